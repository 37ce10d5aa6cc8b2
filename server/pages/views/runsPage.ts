import { html } from 'hono/html';
import { RUN_STATUSES } from '../../../lib/runs/listRuns';
import { durationText, timeText } from '../format';
import { badge, layout, segment, type Html } from '../layout';
import { answerOf, type PageContext } from '../pageContext';

/** How far back the runs list's "since" choice reaches. */
const SINCE = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
type Since = keyof typeof SINCE;
const PAGE_SIZES = [50, 100, 500, 1000] as const;

export interface RunsFilter {
  pipeline?: string;
  status?: (typeof RUN_STATUSES)[number];
  trigger?: string;
  since?: string;
  limit?: string;
}

/** The runs list: newest first, filtered by pipeline, status, trigger and start time (Temporal visibility, through the API). */
export async function runsPage(ctx: PageContext, filter: RunsFilter): Promise<Html> {
  const since = filter.since && filter.since in SINCE ? (filter.since as Since) : undefined;
  const limit = PAGE_SIZES.find((n) => String(n) === filter.limit) ?? 100;
  const query = {
    limit: String(limit),
    ...(filter.pipeline ? { pipeline: filter.pipeline } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.trigger ? { trigger: filter.trigger } : {}),
    ...(since ? { since: new Date(Date.now() - SINCE[since]).toISOString() } : {}),
  };
  const [{ runs }, { pipelines }] = await Promise.all([answerOf(ctx.api.api.v1.runs.$get({ query })), answerOf(ctx.api.api.v1.pipelines.$get())]);
  const option = (value: string, current: string | undefined, label = value) => html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${label}</option>`;
  const body = html`<form class="filters" method="get" action="/ui/runs">
<label>pipeline <select name="pipeline">${option('', filter.pipeline, 'any')}${pipelines.map((p) => option(p.id, filter.pipeline))}</select></label>
<label>status <select name="status">${option('', filter.status, 'any')}${RUN_STATUSES.map((s) => option(s, filter.status))}</select></label>
<label>trigger <input name="trigger" value="${filter.trigger ?? ''}" placeholder="manual, schedule, drift…" size="14"></label>
<label>started <select name="since">${option('', since, 'any time')}${Object.keys(SINCE).map((s) => option(s, since, `last ${s}`))}</select></label>
<label>show <select name="limit">${PAGE_SIZES.map((n) => option(String(n), String(limit)))}</select></label>
<button type="submit">Filter</button>
</form>
<section class="card">
<table data-testid="runs">
<thead><tr><th>run</th><th>pipeline</th><th>trigger</th><th>status</th><th>started</th><th class="num">took</th></tr></thead>
<tbody>${
    runs.length === 0
      ? html`<tr><td colspan="6" class="muted">no runs match</td></tr>`
      : runs.map(
          (run) => html`<tr data-testid="run-row" data-status="${run.status}">
<td><a href="/ui/runs/${segment(run.runId)}">${run.runId}</a></td>
<td>${run.pipeline ? html`<a href="/ui/pipelines/${segment(run.pipeline)}">${run.pipeline}</a>` : '-'}</td>
<td>${run.trigger ?? '-'}</td><td>${badge(run.status)}</td><td>${timeText(run.startTime)}</td><td class="num">${durationText(run.startTime, run.closeTime)}</td></tr>`,
        )
  }</tbody></table>
<p class="muted">${runs.length} run${runs.length === 1 ? '' : 's'}${runs.length === limit ? `, the newest ${limit}: narrow the filter or show more` : ''}. Temporal visibility may lag a second behind.</p>
</section>`;
  return layout({ title: 'Runs', viewer: ctx.viewer, body });
}
