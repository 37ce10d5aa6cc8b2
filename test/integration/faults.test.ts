/**
 * The fault suite, short form (the long form is `npm run chaos`): real worker processes, a private
 * PostgreSQL and a private Temporal dev server. Promised: infrastructure faults (a worker SIGKILLed,
 * PostgreSQL stopped, Temporal restarted) need no operator, leave no run stuck, never answer 500
 * or hang, and lose no answered prediction.
 */
import { describe, expect, inject, it } from 'vitest';
import { chaosTable, runChaos } from '../fault/chaosScenario';

describe('fault suite (short form)', () => {
  it('10+ runs through 5 worker SIGKILLs, a PostgreSQL stop, a PostgreSQL freeze and a Temporal restart: all succeed with no operator', async () => {
    const reports = await runChaos(
      {
        workers: 2,
        killRuns: 6,
        workerKills: 5,
        postgresRuns: 3,
        postgresStopMs: 8_000,
        predictionsPerSecond: 40,
        freezeRuns: 2,
        postgresFreezeMs: 6_000,
        temporalRuns: 3,
        temporalDownMs: 4_000,
        stepMs: [800, 1_500],
        phaseTimeoutMs: 150_000,
        progress: () => undefined,
      },
      inject('workflowBundlePath'),
    );
    console.log(chaosTable(reports));
    const [kills, postgres] = reports;
    expect(kills?.faults).toBe('5 worker SIGKILLs');
    for (const report of reports) {
      expect(report, report.phase).toMatchObject({ succeededWithoutOperator: report.runsStarted, neededOperator: 0, failed: 0, stuck: 0 });
      expect(report.traffic.predictions500 + report.traffic.api500, `${report.phase}: answers 500 or no answer`).toBe(0);
      expect(report.predictionRowsLost, `${report.phase}: answered predictions missing from the log`).toBe(0);
    }
    expect(reports.reduce((n, r) => n + r.runsStarted, 0)).toBeGreaterThanOrEqual(10);
    // Through the outage, predictions were served from what the API held: almost all answered 200.
    expect(postgres!.traffic.predictionsNon200).toBeLessThan(postgres!.traffic.predictionsAnswered * 0.01 + 1);
    for (const report of reports) expect(report.traffic.slowestApiMs, `${report.phase}: slowest answer, ${report.traffic.slowest}`).toBeLessThan(5_000);
    // Healthy again within 2 s of the dependency coming back (probed every 200 ms), without a restart.
    for (const report of reports.slice(1)) expect(report.recoveryMs, `${report.phase}: ready again after`).toBeLessThan(2_000 + 200);
  }, 600_000);
});
