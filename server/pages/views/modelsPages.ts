import { html } from 'hono/html';
import { percentText } from '../../../lib/numberText';
import { rollbackTarget } from '../../../lib/registry/rollbackTarget';
import { jsonText, numberText, timeText } from '../format';
import { layout, segment, type Html } from '../layout';
import { answerOf, optionalAnswer, type PageContext } from '../pageContext';

/** The model registry: each model, its latest version and where its aliases point. */
export async function modelsPage(ctx: PageContext): Promise<Html> {
  const { models } = await answerOf(ctx.api.api.v1.models.$get());
  const body = html`<section class="card"><table data-testid="models"><thead><tr><th>model</th><th class="num">latest version</th><th>aliases</th><th></th></tr></thead><tbody>${
    models.length === 0
      ? html`<tr><td colspan="4" class="muted">No model is registered yet: a pipeline's register step adds one.</td></tr>`
      : models.map(
          (m) => html`<tr data-testid="model-row"><td><a href="/ui/models/${segment(m.name)}">${m.name}</a></td><td class="num">${m.latestVersion ?? '-'}</td>
<td>${Object.entries(m.aliases).map(([alias, version]) => html`<code>${alias}</code>→v${version} `)}</td><td><a href="/ui/models/${segment(m.name)}/drift">drift</a></td></tr>`,
        )
  }</tbody></table></section>`;
  return layout({ title: 'Models', viewer: ctx.viewer, body });
}

/** A metrics record as `name value` pairs, nested records flattened one level. */
function metricsText(metrics: Record<string, unknown>): Html {
  const flat = Object.entries(metrics).filter(([, v]) => typeof v === 'number' || typeof v === 'string');
  return html`${flat.map(([k, v]) => html`<div><span class="muted">${k}</span> ${numberText(v)}</div>`)}`;
}

/** One model: its versions with metrics, params and lineage; each alias's history with canary weights; rollback for an admin. */
export async function modelPage(ctx: PageContext, name: string): Promise<Html> {
  const param = { name: encodeURIComponent(name) };
  const [{ versions }, { models }, canary] = await Promise.all([
    answerOf(ctx.api.api.v1.models[':name'].versions.$get({ param })),
    answerOf(ctx.api.api.v1.models.$get()),
    optionalAnswer(ctx.api.api.v1.models[':name'].canary.$get({ param, query: {} })),
  ]);
  const model = models.find((m) => m.name === name);
  const aliases = Object.entries(model?.aliases ?? {});
  const histories = await Promise.all(
    aliases.map(([alias]) => answerOf(ctx.api.api.v1.models[':name'].aliases[':alias'].history.$get({ param: { ...param, alias: encodeURIComponent(alias) } }))),
  );
  const mayRollBack = ctx.may('POST', '/api/v1/models/:name/aliases/:alias/rollback');
  const body = html`<p><a href="/ui/models/${segment(name)}/drift">Drift and traffic of ${name}</a></p>
<h2>Aliases</h2>${
    histories.length === 0
      ? html`<section class="card"><p class="muted">No alias yet: a deploy step (or <code>cairn models promote</code>) sets one.</p></section>`
      : histories.map((h) => ({ h, target: rollbackTarget(h.history) })).map(
          ({ h, target }) => html`<section class="card" data-testid="alias" data-alias="${h.alias}"><h3><code>${h.alias}</code> → v${model?.aliases[h.alias] ?? '-'}</h3>
<table><thead><tr><th>moved</th><th class="num">version</th><th class="num">from</th><th class="num">traffic weight</th><th>by</th><th>reason</th></tr></thead><tbody>${h.history.map(
            (move) => html`<tr data-testid="alias-move"><td>${timeText(move.movedAt)}</td><td class="num">v${move.version}${move.rollback ? html` <span class="muted">(rollback)</span>` : ''}</td><td class="num">${move.previous === null ? '-' : `v${move.previous}`}</td>
<td class="num">${move.weight === null ? '-' : percentText(move.weight)}</td><td>${move.actor}</td><td>${move.reason}</td></tr>`,
          )}</tbody></table>${
            mayRollBack && target !== undefined
              ? html`<form class="action" method="post" action="/ui/models/${segment(name)}/aliases/${segment(h.alias)}/rollback" data-testid="action-rollback">
<input name="reason" placeholder="reason" maxlength="500" size="24" aria-label="reason for rollback"><button type="submit" class="danger">roll ${h.alias} back to v${target}</button></form>`
              : ''
          }</section>`,
        )
  }
${
  canary && canary.analyses.length > 0
    ? html`<h2>Canary analyses</h2><section class="card"><pre>${jsonText(canary.analyses.slice(0, 3), 3000)}</pre></section>`
    : ''
}
<h2>Versions</h2>
<section class="card"><table data-testid="versions"><thead><tr><th class="num">version</th><th>algorithm</th><th>metrics</th><th>params</th><th>lineage</th><th>registered</th></tr></thead><tbody>${versions.map(
    (v) => html`<tr data-testid="version-row" data-version="${v.version}"><td class="num">v${v.version}${v.aliases.length ? html`<br>${v.aliases.map((a) => html`<code>${a}</code> `)}` : ''}</td>
<td>${v.algorithm}</td><td>${metricsText(v.metrics)}</td><td><pre>${jsonText(v.params, 400)}</pre></td>
<td><div>run <a href="/ui/runs/${segment(v.lineage.runId)}">${v.lineage.runId}</a> (${v.lineage.step})</div>
<div>pipeline <a href="/ui/pipelines/${segment(v.lineage.pipeline)}">${v.lineage.pipeline}</a></div>
<div>dataset <a href="/ui/datasets/${segment(v.lineage.datasetSha256)}">${v.lineage.datasetSha256.slice(0, 12)}</a></div>
<div class="muted">code ${v.lineage.codeVersion}</div></td><td>${timeText(v.createdAt)}</td></tr>`,
  )}</tbody></table></section>`;
  return layout({ title: `Model ${name}`, viewer: ctx.viewer, body });
}
