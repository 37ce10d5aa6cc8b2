import { shortNumber } from '../numberText';
import type { FeedbackLineage } from '../data/feedbackSource';
import type { DataCard } from './dataCardSchema';

const num = (value: number | null | undefined) => (value === null || value === undefined ? '-' : shortNumber(value));
const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function columnSummary(column: DataCard['profile']['columns'][number]): string {
  if (column.redacted) return 'values redacted';
  if (column.numeric) {
    const n = column.numeric;
    return `min ${num(n.min)}, median ${num(n.quantiles.q50)}, max ${num(n.max)}, mean ${num(n.mean)}${n.nonFinite ? `, ${n.nonFinite} NaN/Infinity` : ''}`;
  }
  if (column.categories?.length) return column.categories.slice(0, 5).map((c) => `${escape(c.value)} (${c.count})`).join(', ') + (column.categories.length > 5 ? ', ...' : '');
  return '';
}

/** Where a production-feedback dataset came from, in a sentence. */
function feedbackLine(feedback: FeedbackLineage): string {
  const log = feedback.predictionLog;
  const training = feedback.training
    ? `, plus ${feedback.training.rows} rows of v${feedback.version}'s training data (dataset ${feedback.training.dataset.slice(0, 12)}; ${feedback.training.repeatedByFeedback} repeated by feedback and ${feedback.training.sampledOut} sampled out were left out)`
    : '';
  return `Assembled from ${log.rows} predictions of ${feedback.model} served between ${feedback.window.from} and ${feedback.window.to} and labelled by feedback (prediction_log ids ${log.firstId ?? '-'} to ${log.lastId ?? '-'}, every id in \`${log.ids}\`)${training}; at most ${feedback.maxRows} rows.`;
}

/** A data card as Markdown: source, profile, validations, models trained on it. */
export function dataCardMarkdown(card: DataCard): string {
  const source = card.source;
  return [
    `# Data card: dataset ${card.sha256.slice(0, 12)}`,
    '',
    `_sha256 ${card.sha256}; first recorded ${card.recordedAt}; generated ${card.generatedAt}._`,
    '',
    '## Source',
    '',
    source ? `${source.kind} \`${escape(source.location)}\` (${source.format})${source.query ? `, query: \`${escape(source.query)}\`` : ''}` : '_not recorded (ingested before sources were kept)_',
    '',
    ...(source?.feedback ? [feedbackLine(source.feedback), ''] : []),
    ...(source?.derivedFrom?.length ? [`Derived from ${source.derivedFrom.map((sha) => `dataset ${sha.slice(0, 12)}`).join(', ')}.`, ''] : []),
    ...(card.producedBy.length > 0 ? ['Produced by:', ...card.producedBy.map((p) => `- run \`${p.runId}\`, step ${p.step}, ${p.at}`), ''] : []),
    '## Profile',
    '',
    `${card.profile.rows} rows, ${card.profile.columns.length} columns.`,
    '',
    '| column | type | nulls | distinct | values |',
    '|---|---|---|---|---|',
    ...card.profile.columns.map((c) => `| ${escape(c.name)} | ${c.type} | ${c.nulls} | ${c.distinct} | ${columnSummary(c)} |`),
    '',
    '## Validation',
    '',
    ...(card.validations.length > 0
      ? card.validations.flatMap((v) => [
          `- ${v.passed === null ? 'result unknown' : v.passed ? 'passed' : 'failed'}: run \`${v.runId}\`, step ${v.step}, ${v.at}${v.rows === null ? '' : ` (${v.invalidRows ?? 0} of ${v.rows} rows invalid)`}`,
          ...v.violations.map((violation) => `  - ${violation.column ? `${escape(violation.column)}: ` : ''}${escape(violation.message)}`),
          ...(v.contract ? [`  - contract: \`${escape(JSON.stringify(v.contract))}\``] : []),
        ])
      : ['_never validated by a validate step_']),
    '',
    '## Models trained on it',
    '',
    ...(card.models.length > 0 ? card.models.map((m) => `- ${m.model} version ${m.version}${m.aliases.length ? ` [${m.aliases.join(', ')}]` : ''}, registered ${m.registeredAt}`) : ['_none registered_']),
    '',
  ].join('\n');
}
