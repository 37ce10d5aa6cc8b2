import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ApiRole } from '../../lib/auth/apiKeys';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Who is looking: their role decides which buttons a page offers (the API decides what they may do). */
export interface Viewer {
  role: ApiRole;
  /** Signed in with a key through the sign-in page (so a sign-out button makes sense). */
  signedIn: boolean;
}

/** The page around every view: navigation, who is signed in, the style sheet, and the live script where asked. */
export function layout(view: { title: string; viewer: Viewer | null; body: Html; live?: boolean }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${view.title} · Cairn</title>
<link rel="stylesheet" href="/ui/assets/cairn.css">
${view.live ? html`<script src="/ui/assets/live.js" defer></script>` : ''}
</head>
<body>
<header>
  <a class="brand" href="/ui/runs">Cairn</a>
  <a href="/ui/runs">Runs</a>
  <a href="/ui/pipelines">Pipelines</a>
  <a href="/ui/models">Models</a>
  <span class="who">${
    view.viewer
      ? html`<span data-testid="role">${view.viewer.role}</span>${
          view.viewer.signedIn ? html`<form method="post" action="/ui/logout"><button class="quiet" type="submit">sign out</button></form>` : ''
        }`
      : ''
  }</span>
</header>
<main>
<h1>${view.title}</h1>
${view.body}
</main>
</body>
</html>`;
}

/** A state as a coloured badge (run and step states share one palette). */
export const badge = (state: string) => html`<span class="badge state-${state}" data-state="${state}">${state.replace('_', ' ')}</span>`;

/** Path segments in links: ids may hold characters (':' in run ids) that a segment must escape. */
export const segment = (value: string | number) => encodeURIComponent(String(value));
