import { shortNumber } from '../numberText';
import type { ModelCard } from './modelCardSchema';

const cell = (value: unknown) => (typeof value === 'number' ? shortNumber(value) : typeof value === 'string' ? value : JSON.stringify(value)).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const list = (items: string[], none: string) => (items.length > 0 ? items.map((item) => `- ${item}`) : [`_${none}_`]);
const short = (sha: string | null) => (sha ? `\`${sha.slice(0, 12)}\`` : '_unknown_');

/**
 * A dataset's columns with what the model made of each: its target, a feature, or not used (a
 * column training left out, such as an identifier, is visible here without reading the features list).
 */
function dataSection(title: string, data: ModelCard['trainingData'], details: ModelCard['details'], description?: string): string[] {
  const use = (column: string) => (column === details.target ? 'target' : details.features.includes(column) ? 'feature' : 'not used');
  return [
    `## ${title}`,
    '',
    ...(description ? [description, ''] : []),
    `Dataset ${short(data.datasetSha256)}${data.rows === null ? '' : `, ${data.rows} rows`}${data.columns.length > 0 ? `, ${data.columns.length} columns:` : ''}`,
    ...(data.columns.length > 0 ? ['', '| column | type | nulls | use |', '|---|---|---|---|', ...data.columns.map((c) => `| ${cell(c.name)} | ${c.type} | ${c.nulls} | ${use(c.name)} |`)] : []),
    '',
  ];
}

/** A card as Markdown, in the sections of Mitchell et al., then what happened to the version since. */
export function modelCardMarkdown(card: ModelCard): string {
  const d = card.details;
  const lines = [
    `# Model card: ${card.model} version ${card.version}`,
    '',
    `_Generated ${card.generatedAt}${card.registered ? `; as registered ${card.registered.at} (artifact ${short(card.registered.sha256)})` : ''}._`,
    '',
    '## Model details',
    '',
    `- Algorithm: ${d.algorithm}${d.format ? ` (${d.format})` : ''}`,
    `- Predicts: ${d.target ?? '_unknown_'}${d.labels.length > 0 ? ` (${d.labels.join(', ')})` : ''}`,
    `- Features: ${d.features.join(', ') || '_unknown_'}`,
    `- Hyperparameters: ${Object.entries(d.hyperparameters).map(([k, v]) => `${k}=${cell(v)}`).join(', ') || '_none recorded_'}`,
    `- Registered ${d.registeredAt} by run \`${d.runId}\` (pipeline ${d.pipeline}, step ${d.step}, spec ${short(d.specHash)}, code ${d.codeVersion})`,
    '',
    '## Intended use',
    '',
    card.intendedUse.primary ?? '_not declared_',
    '',
    ...(card.intendedUse.outOfScope ? ['Out of scope: ' + card.intendedUse.outOfScope, ''] : []),
    '## Factors',
    '',
    ...list(card.factors, 'none declared'),
    '',
    '## Metrics',
    '',
    ...(Object.keys(card.metrics).length > 0 ? ['| metric | value |', '|---|---|', ...Object.entries(card.metrics).map(([name, value]) => `| ${cell(name)} | ${cell(value)} |`)] : ['_none recorded_']),
    '',
    ...dataSection('Evaluation data', card.evaluationData, d, card.evaluationData.description),
    ...dataSection('Training data', card.trainingData, d, card.evaluationData.kind === 'holdout' ? 'The model was fitted on this dataset less the evaluation holdout.' : undefined),
    '## Caveats and recommendations',
    '',
    ...list(card.caveats, 'none declared'),
    '',
    '## Promotions',
    '',
    ...(card.promotions.length > 0
      ? ['| when | alias | move | weight | by | why |', '|---|---|---|---|---|---|', ...card.promotions.map((p) => `| ${p.movedAt} | ${p.alias} | ${p.previous ?? '-'} → ${p.version}${p.rollback ? ' (rollback)' : ''} | ${p.weight ?? '-'} | ${cell(p.actor)} | ${cell(p.reason)} |`)]
      : ['_never promoted_']),
    '',
    '## Drift',
    '',
    ...(card.drift.length > 0
      ? ['| when | alias | rows | drifted | features | accuracy |', '|---|---|---|---|---|---|', ...card.drift.map((r) => `| ${r.createdAt} | ${r.alias} | ${r.currentRows} | ${r.status === 'checked' ? (r.drifted ? 'yes' : 'no') : r.status} | ${r.driftedFeatures.join(', ') || '-'} | ${r.accuracy === null ? '-' : cell(r.accuracy)} |`)]
      : ['_no drift report yet_']),
    '',
  ];
  return lines.join('\n');
}
