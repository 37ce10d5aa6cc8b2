import type { Pool } from 'pg';
import { DependencyUnavailableError } from '../errors';
import { logger } from '../logger';
import { predictionLogDropped, predictionLogWritten, shadowPredictionsDropped } from '../metrics/metrics';
import { insertShadowPredictions, type ShadowPrediction } from '../store/shadowPredictionsTable';
import { insertPredictions, type LoggedPrediction } from '../store/predictionLogTable';
import { PredictionJournal } from './predictionJournal';

export type { LoggedPrediction };

export interface PredictionLogOptions {
  flushIntervalMs?: number;
  /** Rows per INSERT. */
  maxBatch?: number;
  /** Rows held while PostgreSQL is slow or down; beyond this, predictions are refused (503) and counted. */
  maxBuffered?: number;
  /** Durable mode: every row is on local disk before its prediction is answered (see PredictionJournal). */
  journal?: PredictionJournal;
}

/** How served predictions reach PostgreSQL: in memory batches (fast; a killed process loses its last ~0.5 s) or through a local journal. */
export type PredictionLogMode = 'buffered' | 'durable';

/**
 * Writes served predictions to PostgreSQL in batches, off the request path: a request only appends
 * to an in-memory buffer; a timer writes it with one multi-row INSERT per batch. If PostgreSQL is
 * unreachable, rows wait (up to maxBuffered) and the write is retried on the next tick; serving
 * never waits for, or fails because of, PostgreSQL. In buffered mode, rows not yet written are lost
 * if the process is killed (close() writes them on a normal shutdown); in durable mode a request
 * also waits for its rows to reach the local journal, which the next start replays.
 */
export class PredictionLog {
  private buffer: LoggedPrediction[] = [];
  private shadows: ShadowPrediction[] = [];
  private writing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;
  private readonly journal: PredictionJournal | undefined;

  constructor(
    private readonly pool: Pool,
    options: PredictionLogOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2_000;
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.journal = options.journal;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 500);
    this.timer.unref();
  }

  /** A log in the given mode; durable opens (and replays) the journal in `journalDir`. */
  static async open(pool: Pool, mode: PredictionLogMode, journalDir: string, options: Omit<PredictionLogOptions, 'journal'> = {}): Promise<PredictionLog> {
    if (mode === 'buffered') return new PredictionLog(pool, options);
    const { journal, recovered } = await PredictionJournal.open(journalDir);
    const log = new PredictionLog(pool, { ...options, journal });
    log.buffer.push(...recovered);
    return log;
  }

  /**
   * Buffers rows for PostgreSQL. Buffered mode returns at once; durable mode resolves once the rows
   * are on local disk. Rows that do not fit (PostgreSQL has been away a long while under load) are
   * refused with a 503 in both modes: backpressure, rather than a prediction answered and then lost.
   */
  append(rows: LoggedPrediction[]): Promise<void> | undefined {
    if (rows.length > this.maxBuffered - this.buffer.length) {
      predictionLogDropped.inc(rows.length);
      throw new DependencyUnavailableError('postgres', new Error(`the prediction log holds ${this.buffer.length} rows waiting for PostgreSQL`));
    }
    for (const row of rows) this.buffer.push(row);
    return this.journal?.append(rows);
  }

  /**
   * Buffers a shadow version's predictions (lib/serving/shadow.ts). Best effort, never journaled: past
   * maxBuffered waiting rows they are dropped and counted, and no request ever waits for or fails on them.
   */
  appendShadow(rows: ShadowPrediction[]): void {
    if (rows.length > this.maxBuffered - this.shadows.length) {
      shadowPredictionsDropped.inc(rows.length);
      return;
    }
    for (const row of rows) this.shadows.push(row);
  }

  /** Whether a prediction of this request is still waiting to be written by this process. */
  isPending(model: string, requestId: string): boolean {
    return this.buffer.some((row) => row.model === model && row.requestId === requestId);
  }

  /** Writes everything buffered so far; one write at a time. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.buffer.length === 0 && this.shadows.length === 0) return;
    this.writing = this.writeAll().finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.journal?.close();
  }

  private async writeAll(): Promise<void> {
    // Every row journaled in a sealed segment was buffered before the seal: once the rows buffered now
    // are written, those segments can go. Rows journaled later may be written too; a replay skips them.
    const sealed = this.journal ? await this.journal.seal() : [];
    const written = await this.drain(this.buffer, (batch) => insertPredictions(this.pool, batch), 'prediction log write failed; will retry', (n) => predictionLogWritten.inc(n));
    if (!written) return;
    if (sealed.length > 0) await this.journal?.remove(sealed);
    await this.drain(this.shadows, (batch) => insertShadowPredictions(this.pool, batch), 'shadow prediction write failed; will retry');
  }

  /**
   * Writes the rows buffered now in batches, each taken off the buffer once it is in PostgreSQL; false
   * when a write failed (what is left waits for the next flush). Rows buffered meanwhile wait too.
   */
  private async drain<T>(rows: T[], insert: (batch: T[]) => Promise<void>, failure: string, written: (count: number) => void = () => undefined): Promise<boolean> {
    let left = rows.length;
    while (left > 0) {
      const batch = rows.slice(0, Math.min(this.maxBatch, left));
      try {
        await insert(batch);
      } catch (error) {
        logger.warn({ err: error, buffered: rows.length }, failure);
        return false;
      }
      rows.splice(0, batch.length);
      left -= batch.length;
      written(batch.length);
    }
    return true;
  }
}
