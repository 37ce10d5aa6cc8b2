import { GENTOO } from '../helpers/penguinsModel';

export interface TrafficFigures {
  predictionsAnswered: number;
  predictionsNon200: number;
  predictions5xx: number;
  predictions500: number;
  /** Request ids of predictions answered 200: each must reach prediction_log. */
  answeredIds: string[];
  apiCalls: number;
  api500: number;
  slowestApiMs: number;
  /** The request that took `slowestApiMs`, with its status. */
  slowest: string;
  /** Answers by status, for the report. */
  statuses: Record<string, number>;
  /** When each /readyz answer came (epoch ms) and its status: how soon the API was healthy again. */
  readiness: { at: number; status: number }[];
}

/**
 * A prediction stream and a probe of the run routes and /readyz against the API process, from this
 * process over real sockets, until stopped. Every answer is timed; a request that does not answer
 * within 30 s counts as status 0 (a hang).
 */
export class TrafficProbe {
  readonly figures: TrafficFigures = { predictionsAnswered: 0, predictionsNon200: 0, predictions5xx: 0, predictions500: 0, answeredIds: [], apiCalls: 0, api500: 0, slowestApiMs: 0, slowest: '', statuses: {}, readiness: [] };
  private stopped = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly apiUrl: string,
    private readonly predictionsPerSecond: number,
  ) {}

  start(): this {
    if (this.predictionsPerSecond > 0) this.loops.push(this.loop(1000 / this.predictionsPerSecond, () => this.predict()));
    this.loops.push(this.loop(250, () => this.probe('/api/v1/runs?limit=5')));
    this.loops.push(this.loop(200, () => this.probe('/readyz')));
    return this;
  }

  async stop(): Promise<TrafficFigures> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.figures;
  }

  private async loop(everyMs: number, call: () => Promise<void>): Promise<void> {
    while (!this.stopped) {
      const started = performance.now();
      await call();
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (performance.now() - started))));
    }
  }

  private async timed(path: string, init?: RequestInit): Promise<{ status: number; body: unknown; ms: number }> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.apiUrl}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
      const body = await response.json().catch(() => undefined);
      return { status: response.status, body, ms: performance.now() - started };
    } catch {
      return { status: 0, body: undefined, ms: performance.now() - started };
    }
  }

  private count(path: string, status: number, ms: number) {
    this.figures.statuses[status] = (this.figures.statuses[status] ?? 0) + 1;
    if (ms > this.figures.slowestApiMs) {
      this.figures.slowestApiMs = ms;
      this.figures.slowest = `${path} ${status}`;
    }
  }

  private async predict() {
    const { status, body, ms } = await this.timed('/api/v1/models/penguins/predict', { method: 'POST', body: JSON.stringify({ instance: GENTOO }), headers: { 'content-type': 'application/json' } });
    this.count('predict', status, ms);
    this.figures.predictionsAnswered += 1;
    if (status === 200) this.figures.answeredIds.push((body as { requestId: string }).requestId);
    else this.figures.predictionsNon200 += 1;
    if (status >= 500) this.figures.predictions5xx += 1;
    if (status === 500) this.figures.predictions500 += 1;
  }

  private async probe(path: string) {
    const { status, ms } = await this.timed(path);
    this.count(path, status, ms);
    if (path === '/readyz') this.figures.readiness.push({ at: Date.now(), status });
    this.figures.apiCalls += 1;
    if (status === 500 || status === 0) this.figures.api500 += 1;
  }
}
