import { describe, expect, it } from 'vitest';
import { modelCardMarkdown } from '../../lib/cards/modelCardMarkdown';
import { ModelCardSchema } from '../../lib/cards/modelCardSchema';

// Promised (README, "Model cards"): the card names the data a version was trained on. Training
// leaves some columns out (an order id, pandas' index, an empty column): the card shows, column by
// column, which were the target, which were features and which were not used at all.
const card = ModelCardSchema.parse({
  model: 'churn',
  version: 3,
  generatedAt: '2026-12-07T00:00:00Z',
  details: { algorithm: 'logistic-regression', format: 'cairn', target: 'churned', features: ['tenure', 'plan'], labels: ['no', 'yes'], hyperparameters: {}, registeredAt: '2026-12-07T00:00:00Z', pipeline: 'p', runId: 'r', step: 'entry', specHash: 'h', codeVersion: 'cairn@0' },
  intendedUse: { primary: null, outOfScope: null },
  factors: [],
  metrics: { accuracy: 0.8 },
  evaluationData: { kind: 'holdout', description: 'a holdout', datasetSha256: 'a'.repeat(64), rows: 40, columns: [] },
  trainingData: {
    datasetSha256: 'a'.repeat(64),
    rows: 200,
    columns: [
      { name: 'customer_id', type: 'VARCHAR', nulls: 0 },
      { name: 'tenure', type: 'BIGINT', nulls: 0 },
      { name: 'plan', type: 'VARCHAR', nulls: 3 },
      { name: 'churned', type: 'VARCHAR', nulls: 0 },
    ],
  },
  caveats: [],
  promotions: [{ alias: 'production', version: 2, previous: 3, weight: null, actor: 'api key x', reason: 'v3 misbehaves', rollback: true, movedAt: '2026-12-07T01:00:00Z' }],
  drift: [],
  registered: null,
});

describe('a model card in Markdown', () => {
  it('marks each training column as the target, a feature or not used, and a rollback as one', () => {
    const markdown = modelCardMarkdown(card);
    const training = markdown.slice(markdown.indexOf('## Training data'), markdown.indexOf('## Caveats'));
    expect(training.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| column'))).toEqual([
      '| customer_id | VARCHAR | 0 | not used |',
      '| tenure | BIGINT | 0 | feature |',
      '| plan | VARCHAR | 3 | feature |',
      '| churned | VARCHAR | 0 | target |',
    ]);
    expect(markdown).toContain('| production | 3 → 2 (rollback) |');
  });
});
