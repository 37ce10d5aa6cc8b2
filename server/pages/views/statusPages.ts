import { html } from 'hono/html';
import { layout, type Html, type Viewer } from '../layout';

/** The sign-in page: the key goes into an HttpOnly, SameSite=Strict cookie that only Cairn's pages read. */
export function loginPage(options: { next: string; problem?: string }): Html {
  return layout({
    title: 'Sign in',
    viewer: null,
    body: html`<section class="card">
${options.problem ? html`<p class="error" data-testid="problem">${options.problem}</p>` : ''}
<p>This Cairn needs an API key (the same key the CLI and the API take). What you may do on these pages is what your key's role allows: a viewer looks, an operator acts on runs, an admin approves and rolls back.</p>
<form method="post" action="/ui/login" class="filters">
<input type="hidden" name="next" value="${options.next}">
<label>API key <input type="password" name="key" autocomplete="current-password" required size="48"></label>
<button type="submit">Sign in</button>
</form></section>`,
  });
}

/** An error as a page: the same status and message the API would answer. */
export function errorPage(status: number, message: string, viewer: Viewer | null): Html {
  return layout({
    title: status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status === 503 ? 'Unavailable' : 'Error',
    viewer,
    body: html`<p class="error" data-testid="problem" data-status="${status}">${message}</p><p><a href="/ui/runs">Runs</a></p>`,
  });
}
