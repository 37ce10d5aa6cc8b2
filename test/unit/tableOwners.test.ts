import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// One module per table: the only product code that runs SQL on it. Written out here (and in the
// README's layout), not derived from the code: a statement that reads or writes a table from
// anywhere else fails this test. A read may JOIN another module's table; it may not start from one.
const OWNERS: Record<string, string> = {
  artifacts: 'lib/store/artifactsTable.ts',
  run_artifacts: 'lib/store/runArtifacts.ts',
  api_keys: 'lib/store/apiKeysTable.ts',
  datasets: 'lib/store/datasets.ts',
  models: 'lib/registry/registry.ts',
  model_versions: 'lib/registry/registry.ts',
  model_aliases: 'lib/registry/aliases.ts',
  model_alias_history: 'lib/registry/aliases.ts',
  prediction_log: 'lib/store/predictionLogTable.ts',
  prediction_feedback: 'lib/serving/feedback.ts',
  drift_reports: 'lib/store/driftReportsTable.ts',
  drift_retrains: 'lib/drift/claimRetrain.ts',
  step_logs: 'lib/store/stepLogsTable.ts',
  step_log_trims: 'lib/store/stepLogsTable.ts',
  step_cache: 'lib/store/stepCacheTable.ts',
  experiments: 'lib/store/experimentsTable.ts',
  notification_deliveries: 'lib/store/notificationDeliveriesTable.ts',
  prediction_errors: 'lib/store/predictionErrorsTable.ts',
  shadow_predictions: 'lib/store/shadowPredictionsTable.ts',
  canary_analyses: 'lib/store/canaryTables.ts',
  canary_decisions: 'lib/store/canaryTables.ts',
};

const root = fileURLToPath(new URL('../../', import.meta.url));
const PRODUCT_DIRS = ['lib', 'server', 'activities', 'workers', 'workflows', 'cli', 'definitions', 'scripts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The tables the migrations create: every one must have an owner. */
function migratedTables(): string[] {
  const dir = join(root, 'lib/store/migrations');
  return readdirSync(dir).flatMap((file) => [...readFileSync(join(dir, file), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)].map((m) => m[1] as string));
}

/** Each table a statement starts from or writes (FROM, INSERT INTO, UPDATE, DELETE FROM, TRUNCATE), and each it joins. */
function tablesNamed(text: string, tables: Set<string>) {
  const primary = [...text.matchAll(/\b(?:FROM|INTO|UPDATE|TRUNCATE)\s+([a-z_]+)/g)].map((m) => m[1] as string).filter((t) => tables.has(t));
  const joined = [...text.matchAll(/\bJOIN\s+([a-z_]+)/g)].map((m) => m[1] as string).filter((t) => tables.has(t));
  return { primary, joined };
}

describe('one module per table', () => {
  const tables = new Set(migratedTables());
  const files = PRODUCT_DIRS.flatMap(sourceFiles).filter((f) => !f.startsWith('lib/store/migrations'));

  it('every table the migrations create has an owner', () => {
    expect([...tables].sort()).toEqual(Object.keys(OWNERS).sort());
  });

  it('only the owner runs SQL that starts from or writes its table; joins come from other owners only', () => {
    const owned = new Set(Object.values(OWNERS));
    const strays: string[] = [];
    for (const file of files) {
      const { primary, joined } = tablesNamed(readFileSync(join(root, file), 'utf8'), tables);
      for (const table of primary) if (OWNERS[table] !== file) strays.push(`${relative(root, join(root, file))} runs SQL on ${table} (owner: ${OWNERS[table]})`);
      if (joined.length > 0 && !owned.has(file)) strays.push(`${file} joins ${joined.join(', ')} but owns no table`);
    }
    expect(strays).toEqual([]);
  });

  it('the check sees a stray statement (a read of api_keys written outside its module)', () => {
    const { primary } = tablesNamed("pool.query('SELECT id FROM api_keys WHERE revoked_at IS NULL')", tables);
    expect(primary).toEqual(['api_keys']);
  });
});
