import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registerDriftGauges } from '../../lib/metrics/driftGauges';
import { registry } from '../../lib/metrics/metrics';
import { registerRunGauges } from '../../lib/metrics/runGauges';

// Promised (deploy/README, Operate it): the alert rules are valid Prometheus rules and fire when
// they should (promtool, the real tool), and the dashboard and the rules only query metrics a Cairn
// process or a Temporal SDK worker actually exports, so no panel or alert is silently empty.
const deploy = fileURLToPath(new URL('../../deploy/', import.meta.url));
const dashboard = JSON.parse(readFileSync(`${deploy}grafana/cairn-dashboard.json`, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
const rules = readFileSync(`${deploy}prometheus/alerts.yml`, 'utf8');
/** Exported by the Temporal SDK's worker metrics (checked against a real worker in test/integration/metrics.test.ts). */
const SDK_METRICS = new Set(['temporal_num_pollers']);

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: `${deploy}prometheus`, encoding: 'utf8' });
  } catch (error) {
    const failed = error as { code?: string; stdout?: string; stderr?: string };
    if (failed.code === 'ENOENT') throw new Error("promtool is not installed: Debian's `prometheus` package has it (.ci/run installs it)", { cause: error });
    throw new Error(`promtool ${args.join(' ')} failed:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`, { cause: error });
  }
}

/** The metric names a PromQL expression reads (series names, with a histogram's _bucket/_sum/_count folded into the histogram). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:cairn|nodejs|process|temporal)_[a-z0-9_]+)\b/g)].map((m) => (m[1] as string).replace(/_(bucket|sum|count)$/, ''));
}

describe('monitoring shipped in deploy/', () => {
  it('alert rules pass promtool check and their unit tests', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: 6 rules found/);
    expect(promtool('test', 'rules', 'alerts.test.yml')).toMatch(/SUCCESS/);
  });

  it('the dashboard and the rules query only metrics that exist', () => {
    // The gauges read Temporal and the store only when scraped; registering them is enough to know their names.
    registerRunGauges({} as never, () => []);
    registerDriftGauges(() => undefined);
    const exported = new Set([...registry.getMetricsAsArray().map((m) => m.name), ...SDK_METRICS]);
    const queried = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...[...rules.matchAll(/expr: (.+)/g)].map((m) => m[1] as string)];
    const unknown = [...new Set(queried.flatMap(metricNames))].filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
    // Every metric family of Cairn's own is on the dashboard somewhere.
    const shown = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr))));
    const cairnMetrics = [...exported].filter((name) => name.startsWith('cairn_'));
    expect(cairnMetrics.filter((name) => !shown.has(name))).toEqual(['cairn_serving_alias_from_memory_total']);
    // Node's process metrics are exported by every Cairn process.
    expect(exported).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(exported).toContain('process_resident_memory_bytes');
  });
});
