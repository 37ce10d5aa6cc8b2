import { html } from 'hono/html';
import { percentText } from '../../../lib/numberText';
import { numberText, timeText } from '../format';
import { layout, segment, type Html } from '../layout';
import { answerOf, type PageContext } from '../pageContext';

const datasetLink = (sha256: string) => html`<a data-testid="derived-from" href="/ui/datasets/${segment(sha256)}">dataset ${sha256.slice(0, 12)}</a>`;

/**
 * A dataset as a page: where it came from (the source, or the step that wrote it and the datasets it
 * was derived from, each a link), the runs that produced it, its validations, the models trained on
 * it, and its profile (per column type, nulls, distinct values, quantiles or top categories).
 */
export async function datasetPage(ctx: PageContext, given: string): Promise<Html> {
  // The card names the whole hash when the address gave its first digits.
  const { card } = await answerOf(ctx.api.api.v1.datasets[':sha256'].card.$get({ param: { sha256: given } }));
  const { sha256, profile, source } = card;
  const lineage = html`<section class="card"><dl class="kv">
<dt>source</dt><dd data-testid="source">${source ? html`${source.kind} <code>${source.location}</code> (${source.format})${source.query ? html`, query <code>${source.query}</code>` : ''}` : html`<span class="muted">not recorded</span>`}</dd>
${source?.derivedFrom?.length ? html`<dt>derived from</dt><dd>${source.derivedFrom.map((sha, i) => html`${i > 0 ? ', ' : ''}${datasetLink(sha)}`)}</dd>` : ''}
<dt>produced by</dt><dd>${card.producedBy.length ? card.producedBy.map((p) => html`<div data-testid="produced-by"><a href="/ui/runs/${segment(p.runId)}">${p.runId}</a> (${p.step}) <span class="muted">${timeText(p.at)}</span></div>`) : html`<span class="muted">no run recorded</span>`}</dd>
<dt>validations</dt><dd>${card.validations.length ? card.validations.map((v) => html`<div data-testid="validation" data-passed="${String(v.passed)}">${v.passed === null ? 'unknown' : v.passed ? 'passed' : 'failed'}: <a href="/ui/runs/${segment(v.runId)}">${v.runId}</a> (${v.step})</div>`) : html`<span class="muted">never validated</span>`}</dd>
<dt>models trained on it</dt><dd>${card.models.length ? card.models.map((m) => html`<div data-testid="trained-model"><a href="/ui/models/${segment(m.model)}">${m.model}</a> v${m.version}${m.aliases.length ? html` <span class="muted">[${m.aliases.join(', ')}]</span>` : ''}</div>`) : html`<span class="muted">none registered</span>`}</dd>
</dl></section>`;
  const body = html`<p class="muted"><code>${sha256}</code> · ${profile.rows} rows · ${profile.columns.length} columns</p>
${lineage}
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
