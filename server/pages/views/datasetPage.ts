import { html } from 'hono/html';
import { percentText } from '../../../lib/numberText';
import { numberText } from '../format';
import { layout, type Html } from '../layout';
import { answerOf, type PageContext } from '../pageContext';

/** A dataset's profile as a page: rows, and per column its type, nulls, distinct values, quantiles or top categories. */
export async function datasetPage(ctx: PageContext, given: string): Promise<Html> {
  // The answer names the whole hash when the address gave its first digits.
  const { sha256, profile } = await answerOf(ctx.api.api.v1.datasets[':sha256'].profile.$get({ param: { sha256: given } }));
  const body = html`<p class="muted"><code>${sha256}</code> · ${profile.rows} rows · ${profile.columns.length} columns</p>
<section class="card"><table data-testid="profile"><thead><tr><th>column</th><th>type</th><th class="num">nulls</th><th class="num">distinct</th><th class="num">min</th><th class="num">p5</th><th class="num">p25</th><th class="num">median</th><th class="num">p75</th><th class="num">p95</th><th class="num">max</th><th class="num">mean</th><th>top categories</th></tr></thead><tbody>${profile.columns.map((c) => {
    const n = c.numeric;
    const q = n?.quantiles;
    const cell = (v: unknown) => html`<td class="num">${numberText(v)}</td>`;
    return html`<tr data-testid="column" data-column="${c.name}"><td><strong>${c.name}</strong></td><td><code>${c.type}</code></td>
<td class="num">${c.nulls}${profile.rows ? html` <span class="muted">(${percentText(c.nulls / profile.rows)})</span>` : ''}</td><td class="num">${c.distinct}</td>
${c.redacted ? html`<td colspan="9" class="muted">redacted by the pipeline</td>` : html`${cell(n?.min)}${cell(q?.q05)}${cell(q?.q25)}${cell(q?.q50)}${cell(q?.q75)}${cell(q?.q95)}${cell(n?.max)}${cell(n?.mean)}
<td>${(c.categories ?? []).slice(0, 8).map((cat) => html`<div>${cat.value} <span class="muted">${cat.count}</span></div>`)}</td>`}</tr>`;
  })}</tbody></table></section>`;
  return layout({ title: `Dataset ${sha256.slice(0, 12)}`, viewer: ctx.viewer, body });
}
