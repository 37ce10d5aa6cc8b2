import { html } from 'hono/html';
import type { Html } from '../layout';
import { durationText } from '../format';

export interface GanttBar {
  step: string;
  /** Shown after the step name: `#2` for a second execution, `r2` for a second operator round. */
  label: string;
  from: string;
  to: string | null;
  state: string;
  title: string;
}

const ROW = 22;
const LABEL_WIDTH = 190;
const CHART_WIDTH = 760;

/**
 * A run's timeline: one row per step, one bar per execution (attempt) of it, on one time axis from
 * the run's start to its end (or now). Bars still open reach to `now`.
 */
export function ganttSvg(bars: readonly GanttBar[], runStart: string, runEnd: string | null, now = Date.now()): Html {
  const t0 = Date.parse(runStart);
  const ends = bars.map((b) => (b.to ? Date.parse(b.to) : now));
  const t1 = Math.max(runEnd ? Date.parse(runEnd) : now, ...ends, t0 + 1);
  const scale = CHART_WIDTH / (t1 - t0);
  const steps = [...new Set(bars.map((b) => b.step))];
  const row = new Map(steps.map((s, i) => [s, i]));
  const height = steps.length * ROW + 28;
  const ticks = Array.from({ length: 5 }, (_, i) => t0 + ((t1 - t0) * i) / 4);
  return html`<svg class="gantt" data-testid="gantt" viewBox="0 0 ${LABEL_WIDTH + CHART_WIDTH + 10} ${height}" width="${LABEL_WIDTH + CHART_WIDTH + 10}" height="${height}" role="img" aria-label="timeline of step attempts">
${ticks.map((t, i) => {
  const x = LABEL_WIDTH + (t - t0) * scale;
  return html`<line class="grid" x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="0" y2="${height - 18}"/><text x="${x.toFixed(1)}" y="${height - 4}" text-anchor="${i === ticks.length - 1 ? 'end' : 'middle'}">+${durationText(new Date(t0).toISOString(), new Date(t).toISOString())}</text>`;
})}
${steps.map((s, i) => html`<text x="4" y="${i * ROW + 15}">${s}</text>`)}
${bars.map((bar) => {
  const start = Date.parse(bar.from);
  const end = bar.to ? Date.parse(bar.to) : now;
  const x = LABEL_WIDTH + (start - t0) * scale;
  const width = Math.max(2, (end - start) * scale);
  const y = (row.get(bar.step) ?? 0) * ROW + 3;
  return html`<rect class="bar state-${bar.state}" data-testid="gantt-bar" data-step="${bar.step}" data-state="${bar.state}" x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${ROW - 6}"><title>${bar.step} ${bar.label}: ${bar.title}</title></rect>`;
})}
</svg>`;
}
