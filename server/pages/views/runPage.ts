import { html } from 'hono/html';
import type { z } from 'zod';
import { FINISHED_RUN_STATUSES as FINAL } from '../../../lib/runContract/types';
import { queuedText } from '../../../lib/runs/queuedStep';
import { stageSummary } from '../../../lib/stepSummaries';
import type { RunTimelineSchema, RunViewSchema, StepLogsSchema } from '../../responses/runs';
import { durationText, jsonText, timeText } from '../format';
import { badge, layout, segment, type Html } from '../layout';
import { answerOf, optionalAnswer, type PageContext } from '../pageContext';
import { dagSvg } from '../svg/dagSvg';
import { ganttSvg } from '../svg/ganttSvg';

type RunView = z.infer<typeof RunViewSchema>;
type StepView = NonNullable<RunView['steps']>[number];
type Timeline = z.infer<typeof RunTimelineSchema>;
type Logs = z.infer<typeof StepLogsSchema>;

/** Lines of the run's step logs a page shows (the API and `cairn logs` page through the rest). */
const LOG_LINES = 2000;

/** The operator actions a step in this state can take, with the API route that takes each. */
const STEP_ACTIONS = {
  awaiting_operator: ['retry', 'skip'],
  awaiting_approval: ['approve', 'reject'],
} as const;

function actionForm(action: string, target: string, danger = false, item?: number): Html {
  return html`<form class="action" method="post" action="${target}" data-testid="${item === undefined ? '' : 'item-'}action-${action}">${item === undefined ? '' : html`<input type="hidden" name="item" value="${item}">`}
<input name="reason" placeholder="reason" maxlength="500" size="18" aria-label="reason for ${action}${item === undefined ? '' : ` of item ${item}`}">
<button type="submit"${danger ? html` class="danger"` : ''}>${action}</button></form>`;
}

/** Items of a map shown with their own retry and skip, at most; the CLI and the API reach every one. */
const MAP_ITEMS_ACTED_ON = 20;

/** A mapped step's items that wait for an operator: each with its error and, for a role that may, retry and skip of that one item. */
function waitingItems(ctx: PageContext, run: RunView, step: StepView): Html | string {
  const map = step.map;
  const waiting = map?.items.filter((item) => item.status === 'awaiting_operator') ?? [];
  if (!map || waiting.length === 0 || FINAL.has(run.status)) return '';
  const target = (action: string) => `/ui/runs/${segment(run.runId)}/steps/${segment(step.name)}/${action}`;
  const actions = (['retry', 'skip'] as const).filter((action) => ctx.may('POST', `/api/v1/runs/:runId/steps/:step/${action}`));
  const more = map.awaitingOperator - Math.min(waiting.length, MAP_ITEMS_ACTED_ON);
  return html`<div data-testid="map-items"><div class="muted">${map.awaitingOperator} item(s) await an operator</div>${waiting.slice(0, MAP_ITEMS_ACTED_ON).map(
    (item) => html`<div data-testid="map-item" data-item="${item.index}"><span class="error">item ${item.index}${item.error ? `: ${item.error.type}: ${item.error.message}` : ''}</span>${actions.map((action) => actionForm(action, target(action), action === 'skip', item.index))}</div>`,
  )}${more > 0 ? html`<div class="muted">and ${more} more: cairn status ${run.runId}</div>` : ''}</div>`;
}

function stepActions(ctx: PageContext, run: RunView, step: StepView): Html {
  const actions = STEP_ACTIONS[step.status as keyof typeof STEP_ACTIONS] ?? [];
  return html`${actions
    .filter((action) => ctx.may('POST', `/api/v1/runs/:runId/steps/:step/${action}`))
    .map((action) => actionForm(action, `/ui/runs/${segment(run.runId)}/steps/${segment(step.name)}/${action}`, action === 'reject' || action === 'skip'))}`;
}

/** A built-in stage's output in words (rows, holdout score, version registered), as `cairn run --wait` prints it. */
function outputSummary(step: StepView): Html | string {
  const words = stageSummary(step.activity, step.output);
  return words ? html`<div data-testid="step-summary">${words}</div>` : '';
}

function stepRow(ctx: PageContext, run: RunView, step: StepView, artifacts: Html): Html {
  const marks = [step.local ? 'light' : '', step.reusedFrom ? `reused from ${step.reusedFrom}` : '', step.cachedFrom ? `cached from ${step.cachedFrom}` : ''].filter(Boolean).join(', ');
  return html`<tr id="step-${step.name}" data-testid="step-row" data-step="${step.name}" data-status="${step.status}">
<td><strong>${step.name}</strong><br><span class="muted">${step.activity}${marks ? ` · ${marks}` : ''}</span></td>
<td>${badge(step.status)}${step.map ? html`<br><span class="muted">${step.map.succeeded}/${step.map.total} items</span>` : ''}</td>
<td class="num">${step.attempts ?? step.round}${step.infrastructureRetries ? html`<br><span class="muted">+${step.infrastructureRetries} lost</span>` : ''}</td>
<td class="num">${durationText(step.startedAt, step.finishedAt ?? (FINAL.has(run.status) ? run.closeTime : null))}</td>
<td>${
    step.error
      ? html`<div class="error" data-testid="step-error">${step.error.type}: ${step.error.message}</div>${
          step.error.stack ? html`<details><summary>stack</summary><pre>${step.error.stack}</pre></details>` : ''
        }`
      : ''
  }${waitingItems(ctx, run, step)}${step.queued ? html`<div class="muted" data-testid="step-queued">${queuedText(step.queued)}</div>` : ''}${step.operatorNotes.map((note) => html`<div class="muted">${note}</div>`)}${
    step.output === null || step.output === undefined ? '' : html`${outputSummary(step)}<details><summary>output</summary><pre data-testid="step-output">${jsonText(step.output)}</pre></details>`
  }${artifacts}</td>
<td>${stepActions(ctx, run, step)}</td></tr>`;
}

/** One log line as text: time, attempt, level, message, fields; a failed attempt's stack on the lines below it. */
function logLineText(line: Logs['lines'][number]): string {
  const { stack, ...fields } = line.fields ?? {};
  const rest = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  return `${line.at.slice(11, 23)} #${line.attempt} ${line.level.padEnd(5)} ${line.message}${rest}\n${typeof stack === 'string' ? `${stack.replace(/^/gm, '    ')}\n` : ''}`;
}

function logSection(logs: Logs | null): Html {
  if (!logs) return html`<p class="muted">Step logs are kept in the metadata store, which this API cannot read now.</p>`;
  if (logs.lines.length === 0) return html`<p class="muted">No step has logged through its <code>log</code> yet.</p>`;
  const steps = [...new Set(logs.lines.map((l) => l.step))];
  return html`${steps.map((step) => {
    const lines = logs.lines.filter((l) => l.step === step);
    const trimmed = logs.trimmed[step];
    return html`<details open data-testid="step-logs" data-step="${step}"><summary>${step} (${lines.length} line${lines.length === 1 ? '' : 's'})</summary>${
      trimmed ? html`<p class="notice" data-testid="logs-trimmed">${trimmed} older line${trimmed === 1 ? ' was' : 's were'} trimmed (the per-step bound, CAIRN_STEP_LOG_MAX_LINES)</p>` : ''
    }<pre>${lines.map(logLineText)}</pre></details>`;
  })}${logs.lines.length >= LOG_LINES ? html`<p class="muted">The first ${LOG_LINES} lines; <code>cairn logs ${logs.runId}</code> shows them all.</p>` : ''}`;
}

function bars(timeline: Timeline) {
  return timeline.attempts.map((a) => ({
    step: a.step,
    label: `${a.round > 1 ? `round ${a.round} ` : ''}#${a.execution}`,
    from: a.startedAt ?? a.scheduledAt,
    to: a.closedAt,
    state: a.outcome,
    title: `${a.outcome}${a.failure ? `: ${a.failure}` : ''} (${durationText(a.startedAt ?? a.scheduledAt, a.closedAt)})`,
  }));
}

/** The part of the run page that live updates replace: everything below the title. */
export async function runContent(ctx: PageContext, runId: string): Promise<{ body: Html; final: boolean }> {
  const param = { runId: encodeURIComponent(runId) };
  const [run, timeline, artifacts, logs] = await Promise.all([
    answerOf(ctx.api.api.v1.runs[':runId'].$get({ param })),
    optionalAnswer(ctx.api.api.v1.runs[':runId'].timeline.$get({ param })),
    optionalAnswer(ctx.api.api.v1.runs[':runId'].artifacts.$get({ param })),
    optionalAnswer(ctx.api.api.v1.runs[':runId'].logs.$get({ param, query: { limit: String(LOG_LINES) } })),
  ]);
  const final = FINAL.has(run.status);
  const steps = run.steps ?? [];
  const stateOf = new Map(steps.map((s) => [s.name, s]));
  const graph = timeline?.graph ?? steps.map((s) => ({ step: s.name, after: [] }));
  const artifactsOf = (step: string) => {
    const mine = artifacts?.artifacts.filter((a) => a.step === step) ?? [];
    return mine.length === 0
      ? html``
      : html`<details><summary>${mine.length} artifact${mine.length === 1 ? '' : 's'}</summary><ul>${mine.map(
          (a) => html`<li data-testid="artifact">${a.name}: ${a.mediaType === 'application/vnd.apache.parquet' ? html`<a href="/ui/datasets/${segment(a.sha256)}">dataset ${a.sha256.slice(0, 12)}</a>` : html`<code>${a.uri}</code>`} <span class="muted">${a.size} bytes</span></li>`,
        )}</ul></details>`;
  };
  const runActions =
    !final && ctx.may('POST', '/api/v1/runs/:runId/abort') ? actionForm('abort', `/ui/runs/${segment(run.runId)}/abort`, true) : '';
  const body = html`<section class="card"><dl class="kv" data-testid="run-summary">
<dt>status</dt><dd data-testid="run-status" data-status="${run.status}">${badge(run.status)}${run.abortReason ? html` <span class="muted">aborted: ${run.abortReason}</span>` : ''}</dd>
<dt>pipeline</dt><dd>${run.pipeline ? html`<a href="/ui/pipelines/${segment(run.pipeline)}">${run.pipeline}</a>` : '-'}</dd>
<dt>trigger</dt><dd>${run.trigger ?? '-'}${run.startedBy ? html` <span class="muted">by ${run.startedBy.principal} (${run.startedBy.role})</span>` : ''}</dd>
<dt>started</dt><dd>${timeText(run.startTime)}</dd>
<dt>took</dt><dd>${durationText(run.startTime, run.closeTime)}${final ? '' : ' so far'}</dd>
<dt>logical date</dt><dd>${timeText(run.logicalDate)}</dd>
<dt>spec</dt><dd><code>${run.specHash ?? '-'}</code></dd>
<dt>trace</dt><dd data-testid="trace-id">${run.traceId ? html`<code>${run.traceId}</code>` : html`<span class="muted">not traced (set OTEL_EXPORTER_OTLP_ENDPOINT)</span>`}</dd>
<dt>Temporal</dt><dd>${run.links.web ? html`<a href="${run.links.web}" data-testid="temporal-link">this run in the Temporal Web UI</a>` : html`<span class="muted">Web UI address unknown (CAIRN_TEMPORAL_UI_URL)</span>`}</dd>
</dl>${runActions}</section>
${run.stepsUnavailable ? html`<p class="notice">${run.stepsUnavailable}</p>` : ''}
<h2>Graph</h2>
<section class="card">${dagSvg(
    graph.map((g) => {
      const state = stateOf.get(g.step);
      return { id: g.step, detail: state ? `${state.activity} · ${durationText(state.startedAt, state.finishedAt)}` : undefined, state: state?.status ?? 'pending', href: `#step-${g.step}` };
    }),
    graph.flatMap((g) => g.after.map((from) => ({ from, to: g.step }))),
  )}</section>
<h2>Timeline</h2>
<section class="card">${timeline && timeline.attempts.length > 0 ? ganttSvg(bars(timeline), run.startTime, run.closeTime) : html`<p class="muted">No step has started yet.</p>`}
<p class="legend">one bar per execution of a step; retries of a step are further bars on its row</p></section>
<h2>Steps</h2>
<section class="card"><table data-testid="steps"><thead><tr><th>step</th><th>state</th><th class="num">attempts</th><th class="num">took</th><th>error, output, artifacts</th><th>act</th></tr></thead>
<tbody>${steps.map((step) => stepRow(ctx, run, step, artifactsOf(step.name)))}</tbody></table></section>
<h2>Logs</h2>
<section class="card">${logSection(logs)}</section>`;
  return { body, final };
}

/** A run: its summary, graph coloured by step state, timeline of attempts, steps, artifacts and logs, and the actions its viewer may take. */
export async function runPage(ctx: PageContext, runId: string): Promise<Html> {
  const { body, final } = await runContent(ctx, runId);
  return layout({
    title: `Run ${runId}`,
    viewer: ctx.viewer,
    live: !final,
    body: html`<div data-live="/ui/runs/${segment(runId)}/live" data-final="${String(final)}" data-testid="live">${body}</div>`,
  });
}
