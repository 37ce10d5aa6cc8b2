/**
 * The only script the pages use: a run page that is still open re-reads its content (the
 * `data-live` fragment) every 1.5 s and swaps it in, until the run is finished. Without JavaScript
 * the page is the same report, current as of its loading. It waits while the user types a reason.
 */
export const LIVE_SCRIPT = `(() => {
  const root = document.querySelector('[data-live]');
  if (!root) return;
  const busy = () => { const a = document.activeElement; return !!a && root.contains(a) && (a.tagName === 'INPUT' || a.tagName === 'TEXTAREA') && a.value !== ''; };
  const tick = async () => {
    if (root.dataset.final === 'true') return;
    if (!busy()) {
      try {
        const response = await fetch(root.dataset.live, { credentials: 'same-origin', headers: { accept: 'text/html' } });
        if (response.ok) {
          root.innerHTML = await response.text();
          root.dataset.final = response.headers.get('x-cairn-final') || 'false';
          root.dataset.updated = String(Date.now());
        }
      } catch { /* the next tick tries again */ }
    }
    setTimeout(tick, 1500);
  };
  setTimeout(tick, 1500);
})();
`;
