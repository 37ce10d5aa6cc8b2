import { html } from 'hono/html';
import type { Html } from '../layout';
import { numberText } from '../format';

export interface Series {
  name: string;
  points: { at: string; value: number | null }[];
}

const WIDTH = 700;
const HEIGHT = 200;
const PAD = { left: 48, right: 110, top: 10, bottom: 26 };
const PALETTE = ['#2f6fde', '#e08a1e', '#2e9d5b', '#d23f3f', '#8a55d6', '#0f9fb0', '#b5651d', '#59606e'];

/** Values over time, one line per series, on a shared time axis; a series' colour is given in the legend at the right. */
export function timeSeriesSvg(title: string, series: readonly Series[], options: { min?: number } = {}): Html {
  const points = series.flatMap((s) => s.points.filter((p): p is { at: string; value: number } => p.value !== null && Number.isFinite(p.value)));
  if (points.length === 0) return html`<p class="muted">${title}: nothing to draw yet.</p>`;
  const times = points.map((p) => Date.parse(p.at));
  const t0 = Math.min(...times);
  const latest = Math.max(...times);
  const t1 = Math.max(latest, t0 + 1);
  const low = options.min ?? Math.min(0, ...points.map((p) => p.value));
  const high = Math.max(...points.map((p) => p.value), low + 1e-9);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  // One moment only (a single report): drawn in the middle rather than on the axis.
  const x = (at: string) => (latest === t0 ? PAD.left + plotW / 2 : PAD.left + ((Date.parse(at) - t0) / (t1 - t0)) * plotW);
  const y = (v: number) => PAD.top + plotH - ((v - low) / (high - low)) * plotH;
  const drawn = series.map((s, k) => {
    const colour = PALETTE[k % PALETTE.length] as string;
    const valid = s.points.filter((p): p is { at: string; value: number } => p.value !== null && Number.isFinite(p.value));
    const shapes = html`<path class="line" stroke="${colour}" d="${valid.map((p, i) => `${i ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>${valid.map(
          (p) => html`<circle class="dot" fill="${colour}" cx="${x(p.at).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="2.5"><title>${s.name} ${p.at}: ${numberText(p.value)}</title></circle>`,
        )}`;
    return html`<g data-testid="series" data-series="${s.name}">${shapes}</g><text x="${WIDTH - PAD.right + 8}" y="${PAD.top + 12 + k * 14}" fill="${colour}">${s.name}</text>`;
  });
  return html`<svg class="timeseries" data-testid="timeseries" data-title="${title}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${title}">
<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(low).toFixed(1)}" y2="${y(low).toFixed(1)}"/>
<text x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${numberText(high)}</text>
<text x="${PAD.left - 4}" y="${y(low).toFixed(1)}" text-anchor="end">${numberText(low)}</text>
<text x="${PAD.left}" y="${HEIGHT - 6}">${new Date(t0).toISOString().slice(0, 16).replace('T', ' ')}</text>
<text x="${WIDTH - PAD.right}" y="${HEIGHT - 6}" text-anchor="end">${new Date(t1).toISOString().slice(0, 16).replace('T', ' ')}</text>
${drawn}</svg>`;
}
