import { html } from 'hono/html';
import type { z } from 'zod';
import { scheduleId as scheduleIdOf } from '../../../lib/runIds';
import type { PipelineDescriptionSchema } from '../../responses/pipelines';
import { durationText, jsonText, timeText } from '../format';
import { badge, layout, segment, type Html } from '../layout';
import { answerOf, optionalAnswer, type PageContext } from '../pageContext';
import { dagSvg } from '../svg/dagSvg';

type Pipeline = z.infer<typeof PipelineDescriptionSchema>;

function pipelineGraph(pipeline: Pipeline): Html {
  return dagSvg(
    pipeline.steps.map((s) => ({ id: s.name, detail: s.activity })),
    pipeline.steps.flatMap((s) => s.after.map((from) => ({ from, to: s.name }))),
  );
}

/** A params JSON Schema as a table: name, type, default, required, description. */
function paramsTable(schema: Record<string, unknown>): Html {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema.required ?? []) as string[]);
  const names = Object.keys(properties);
  if (names.length === 0) return html`<p class="muted">No params.</p>`;
  const typeOf = (p: Record<string, unknown>): string =>
    Array.isArray(p.enum) ? p.enum.map((v) => JSON.stringify(v)).join(' | ') : Array.isArray(p.anyOf) ? (p.anyOf as Record<string, unknown>[]).map(typeOf).join(' | ') : String(p.type ?? 'any');
  return html`<table data-testid="params"><thead><tr><th>param</th><th>type</th><th>default</th><th>required</th><th>description</th></tr></thead><tbody>${names.map((name) => {
    const p = properties[name] as Record<string, unknown>;
    return html`<tr><td><code>${name}</code></td><td>${typeOf(p)}</td><td>${'default' in p ? html`<code>${jsonText(p.default, 120)}</code>` : '-'}</td><td>${required.has(name) && !('default' in p) ? 'yes' : 'no'}</td><td>${String(p.description ?? '')}</td></tr>`;
  })}</tbody></table>`;
}

/** Every pipeline: its graph, steps and triggers at a glance. */
export async function pipelinesPage(ctx: PageContext): Promise<Html> {
  const { pipelines } = await answerOf(ctx.api.api.v1.pipelines.$get());
  const body = html`${pipelines.map(
    (p) => html`<section class="card" data-testid="pipeline" data-pipeline="${p.id}">
<h2><a href="/ui/pipelines/${segment(p.id)}">${p.id}</a></h2>${p.description ? html`<p>${p.description}</p>` : ''}
${pipelineGraph(p)}
<p class="muted">${p.steps.length} steps · ${p.triggers.length === 0 ? 'manual runs only' : p.triggers.map((t) => t.summary).join('; ')}</p></section>`,
  )}`;
  return layout({ title: 'Pipelines', viewer: ctx.viewer, body });
}

/** One pipeline: its graph, params schema, steps, triggers with their schedules' next fire times, and its latest runs. */
export async function pipelinePage(ctx: PageContext, id: string): Promise<Html> {
  const param = { id: encodeURIComponent(id) };
  const [pipeline, next, schedules, recent] = await Promise.all([
    answerOf(ctx.api.api.v1.pipelines[':id'].$get({ param })),
    answerOf(ctx.api.api.v1.schedules.next[':pipeline'].$get({ param: { pipeline: param.id }, query: { count: '3' } })),
    optionalAnswer(ctx.api.api.v1.schedules.$get()),
    answerOf(ctx.api.api.v1.runs.$get({ query: { pipeline: id, limit: '10' } })),
  ]);
  const scheduleState = new Map((schedules?.schedules ?? []).map((s) => [s.scheduleId, s]));
  const body = html`${pipeline.description ? html`<p>${pipeline.description}</p>` : ''}
<section class="card">${pipelineGraph(pipeline)}</section>
<h2>Params</h2><section class="card">${paramsTable(pipeline.params)}</section>
<h2>Steps</h2><section class="card"><table><thead><tr><th>step</th><th>activity</th><th>after</th><th>queue</th><th>what it does</th></tr></thead><tbody>${pipeline.steps.map(
    (s) => html`<tr><td><strong>${s.name}</strong></td><td><code>${s.activity}</code></td><td>${s.after.join(', ') || '-'}</td><td>${s.queue ?? 'pipelines'}</td><td>${s.when ? html`<em>runs only when ${s.when.param === undefined ? s.when.step : `param ${s.when.param}`}${s.when.field ? `.${s.when.field}` : ''} ${s.when.notEquals === undefined ? `is ${JSON.stringify(s.when.equals)}` : `is not ${JSON.stringify(s.when.notEquals)}`}.</em> ` : ''}${s.summary ?? ''}</td></tr>`,
  )}</tbody></table></section>
<h2>Triggers</h2><section class="card">${
    pipeline.triggers.length === 0
      ? html`<p class="muted">No triggers: runs start from the CLI, the API or an event.</p>`
      : html`<table data-testid="triggers"><thead><tr><th>trigger</th><th>schedule</th><th>state</th><th>next fire times</th><th>last run</th></tr></thead><tbody>${pipeline.triggers.map((t) => {
          const scheduleId = t.schedule ? scheduleIdOf(pipeline.id, t.schedule) : null;
          const state = scheduleId ? scheduleState.get(scheduleId) : undefined;
          const fires = next.triggers.find((n) => n.name === t.schedule);
          const synced = state && 'paused' in state ? state : undefined;
          return html`<tr data-testid="trigger"><td>${t.summary}</td><td>${scheduleId ? html`<code>${scheduleId}</code>` : '-'}</td>
<td>${!scheduleId ? '-' : !schedules ? html`<span class="muted">Temporal did not answer</span>` : synced ? (synced.paused ? html`paused${synced.note ? html` <span class="muted">(${synced.note})</span>` : ''}` : 'active') : 'not synced yet'}</td>
<td>${fires ? html`${fires.next.map((f) => html`<div data-testid="next-fire">${f.local} <span class="muted">${fires.timezone}</span></div>`)}` : '-'}</td>
<td>${synced?.lastRun ? html`${timeText(synced.lastRun.scheduledAt)}${synced.lastRun.runId ? html` <a href="/ui/runs/${segment(synced.lastRun.runId)}">run</a>` : ''}` : '-'}</td></tr>`;
        })}</tbody></table>`
  }</section>
<h2>Latest runs</h2><section class="card"><table><tbody>${
    recent.runs.length === 0
      ? html`<tr><td class="muted">no runs yet</td></tr>`
      : recent.runs.map(
          (r) => html`<tr><td><a href="/ui/runs/${segment(r.runId)}">${r.runId}</a></td><td>${badge(r.status)}</td><td>${timeText(r.startTime)}</td><td class="num">${durationText(r.startTime, r.closeTime)}</td></tr>`,
        )
  }</tbody></table><p><a href="/ui/runs?pipeline=${segment(pipeline.id)}">all runs of ${pipeline.id}</a></p></section>`;
  return layout({ title: `Pipeline ${pipeline.id}`, viewer: ctx.viewer, body });
}
