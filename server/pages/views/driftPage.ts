import { html } from 'hono/html';
import type { z } from 'zod';
import type { DriftReportsSchema } from '../../responses/models';
import { percentText } from '../../../lib/numberText';
import { numberText, timeText } from '../format';
import { layout, segment, type Html } from '../layout';
import { answerOf, type PageContext } from '../pageContext';
import { categoriesSvg, histogramSvg } from '../svg/distributionSvg';
import { timeSeriesSvg } from '../svg/timeSeriesSvg';

type Report = z.infer<typeof DriftReportsSchema>['reports'][number];
type FeatureDrift = Report['features'][number];

/** How many reports the scores-over-time charts reach back. */
const REPORTS = 50;

interface Histogram {
  edges: number[];
  reference: number[];
  current: number[];
}
const isHistogram = (value: unknown): value is Histogram =>
  typeof value === 'object' && value !== null && Array.isArray((value as Histogram).edges) && Array.isArray((value as Histogram).reference) && Array.isArray((value as Histogram).current);

function statistic(stats: Record<string, unknown> | null, path: string): number | null {
  let value: unknown = stats;
  for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'number' ? value : null;
}

const STATISTICS = [
  ['PSI', 'psi'],
  ['KS', 'ks.statistic'],
  ['KS p', 'ks.pValue'],
  ['Jensen-Shannon', 'jensenShannon'],
  ['Wasserstein', 'wasserstein'],
  ['chi-square', 'chiSquare.statistic'],
  ['chi-square p', 'chiSquare.pValue'],
] as const;

function featureChart(feature: FeatureDrift): Html {
  const stats = feature.statistics;
  const chart = isHistogram(stats?.histogram)
    ? histogramSvg(feature.feature, stats.histogram)
    : Array.isArray(stats?.categories)
      ? categoriesSvg(feature.feature, stats.categories as { value: string; reference: number; current: number }[])
      : html`<p class="muted">No distribution recorded (a report from before Cairn kept them, or too few values).</p>`;
  const shown = STATISTICS.filter(([, path]) => statistic(stats, path) !== null);
  return html`<div class="chart" data-testid="feature" data-feature="${feature.feature}" data-drifted="${String(feature.drifted)}">
<h3>${feature.feature} ${feature.drifted ? html`<span class="badge state-failed">drifted</span>` : html`<span class="badge state-succeeded">stable</span>`}</h3>
${chart}
<table><tbody>${shown.map(([label, path]) => html`<tr><td class="muted">${label}</td><td class="num">${numberText(statistic(stats, path))}</td></tr>`)}
<tr><td class="muted">missing</td><td class="num">${percentText(feature.missing.reference)} → ${percentText(feature.missing.current)}</td></tr></tbody></table>
${feature.reasons.length ? html`<p class="muted">${feature.reasons.join('; ')}</p>` : ''}</div>`;
}

/** A model's drift: the latest report's per-feature distributions and statistics, its decision and thresholds, scores across reports, and traffic with feedback accuracy. */
export async function driftPage(ctx: PageContext, name: string): Promise<Html> {
  const param = { name: encodeURIComponent(name) };
  const [{ reports }, traffic] = await Promise.all([
    answerOf(ctx.api.api.v1.models[':name'].drift.$get({ param, query: { limit: String(REPORTS) } })),
    answerOf(ctx.api.api.v1.models[':name'].traffic.$get({ param, query: { days: '90', bucket: 'day' } })),
  ]);
  const latest = reports[0];
  const oldestFirst = [...reports].reverse();
  const features = [...new Set(oldestFirst.flatMap((r) => r.features.map((f) => f.feature)))];
  const psiSeries = features.map((feature) => ({
    name: feature,
    points: oldestFirst.map((r) => ({ at: r.createdAt, value: statistic(r.features.find((f) => f.feature === feature)?.statistics ?? null, 'psi') })),
  }));
  const volume = [{ name: 'predictions', points: traffic.buckets.map((b) => ({ at: b.start, value: b.predictions })) }, { name: 'labelled', points: traffic.buckets.map((b) => ({ at: b.start, value: b.labelled })) }];
  const accuracy = [{ name: 'accuracy', points: traffic.buckets.map((b) => ({ at: b.start, value: b.labelled > 0 ? b.correct / b.labelled : null })) }];
  const body = html`<p><a href="/ui/models/${segment(name)}">Model ${name}</a></p>
${
  !latest
    ? html`<section class="card"><p class="muted">No drift report yet: a pipeline's <code>onDrift('${name}')</code> trigger checks the served model on its schedule.</p></section>`
    : html`<section class="card" data-testid="drift-decision" data-drifted="${String(latest.drifted)}">
<dl class="kv"><dt>latest check</dt><dd>${timeText(latest.createdAt)} · v${latest.version} (${latest.alias})</dd>
<dt>decision</dt><dd>${latest.status === 'insufficient-data' ? 'not enough predictions to judge' : latest.drifted ? html`<strong>drifted</strong>: ${latest.driftedFeatures.join(', ') || 'predictions'}` : 'no drift'}</dd>
<dt>thresholds</dt><dd><code>${Object.entries(latest.thresholds).map(([k, v]) => `${k} ${numberText(v)}`).join(' · ')}</code></dd>
<dt>window</dt><dd>${latest.window ? `${timeText(latest.window.from)} to ${timeText(latest.window.to)}` : '-'} · ${latest.current.rows} predictions (${latest.current.labelled} labelled) against ${latest.reference.rows} training rows</dd>
${latest.accuracy ? html`<dt>accuracy</dt><dd>${numberText(latest.accuracy.reference)} in training → ${numberText(latest.accuracy.current)} on ${latest.accuracy.labelled} labelled predictions</dd>` : ''}
<dt>retrain</dt><dd>${latest.retrain ? html`<a href="/ui/runs/${segment(latest.retrain.workflowId)}">${latest.retrain.workflowId}</a>` : (latest.retrainSkipped ?? 'none')}</dd></dl>
<p class="legend"><span><span class="swatch reference"></span>reference (training data)</span><span><span class="swatch current"></span>current (served inputs)</span></p></section>
<h2>Features</h2><div class="charts" data-testid="features">${latest.features.map(featureChart)}${latest.prediction ? featureChart({ ...latest.prediction, feature: `prediction (${latest.prediction.feature})` }) : ''}</div>`
}
<h2>Scores over time</h2><section class="card">${timeSeriesSvg('PSI per feature, per report', psiSeries)}
${timeSeriesSvg('drifted features per report', [{ name: 'drifted', points: oldestFirst.map((r) => ({ at: r.createdAt, value: r.driftedFeatures.length })) }])}</section>
<h2>Traffic and feedback</h2><section class="card">${timeSeriesSvg('predictions per day', volume)}
${timeSeriesSvg('feedback accuracy per day', accuracy, { min: 0 })}</section>`;
  return layout({ title: `Drift of ${name}`, viewer: ctx.viewer, body });
}
