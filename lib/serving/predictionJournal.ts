import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import { logger } from '../logger';
import { takePidLock, type PidLock } from '../pidLock';
import type { LoggedPrediction } from './predictionLog';

const SEGMENT = /^segment-(\d{12})\.ndjson$/;

interface Waiting {
  lines: string;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The durable half of the prediction log: an append-only local file that a prediction is written to
 * (and fsynced) before its answer goes out, so a process killed before its batch reached PostgreSQL
 * loses nothing; the next start replays it. Appends that arrive while one fsync runs are written
 * together by the next (group commit), so the cost is one fsync per group, not per request. The file
 * is cut into segments: a segment is deleted once everything written before it was sealed is in
 * PostgreSQL. One directory belongs to one process (a lock file holds its pid).
 */
export class PredictionJournal {
  private waiting: Waiting[] = [];
  private committing: Promise<void> | undefined;
  private sealed: string[] = [];

  private constructor(
    private readonly dir: string,
    private readonly lock: PidLock,
    private segment: { path: string; file: FileHandle },
    private nextNumber: number,
  ) {}

  /** Opens `dir` (creating it), takes its lock, and returns what earlier processes wrote and no one removed. */
  static async open(dir: string): Promise<{ journal: PredictionJournal; recovered: LoggedPrediction[] }> {
    mkdirSync(dir, { recursive: true });
    const lock = takePidLock(join(dir, 'LOCK'), (holder) => new ConfigError(`prediction journal ${dir} is in use by process ${holder}: give each API process a directory of its own (CAIRN_PREDICTION_JOURNAL_DIR)`));
    const existing = readdirSync(dir).filter((name) => SEGMENT.test(name)).sort();
    const recovered = existing.flatMap((name) => readSegment(join(dir, name)));
    const last = existing.length ? Number(SEGMENT.exec(existing[existing.length - 1] as string)?.[1]) : 0;
    const path = segmentPath(dir, last + 1);
    const journal = new PredictionJournal(dir, lock, { path, file: await createSegment(dir, path) }, last + 2);
    journal.sealed = existing.map((name) => join(dir, name));
    if (recovered.length) logger.info({ rows: recovered.length, dir }, 'prediction journal: replaying predictions a previous process had not written to PostgreSQL');
    return { journal, recovered };
  }

  /** Resolves once `rows` are on disk (fsynced). */
  append(rows: LoggedPrediction[]): Promise<void> {
    const lines = rows.map((row) => `${JSON.stringify(row)}\n`).join('');
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ lines, resolve, reject });
      this.committing ??= this.commit().finally(() => (this.committing = undefined));
    });
  }

  /**
   * Starts a new segment and returns every segment sealed so far: once the rows buffered up to now are
   * in PostgreSQL, those can go (`remove`).
   */
  async seal(): Promise<string[]> {
    while (this.committing) await this.committing;
    const previous = this.segment;
    const path = segmentPath(this.dir, this.nextNumber);
    this.segment = { path, file: await createSegment(this.dir, path) };
    this.nextNumber += 1;
    await previous.file.close();
    this.sealed.push(previous.path);
    return [...this.sealed];
  }

  async remove(paths: string[]): Promise<void> {
    const gone = new Set(paths);
    this.sealed = this.sealed.filter((path) => !gone.has(path));
    await Promise.all(paths.map((path) => rm(path, { force: true })));
  }

  async close(): Promise<void> {
    while (this.committing) await this.committing;
    await this.segment.file.close();
    this.lock.release();
  }

  private async commit(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0);
      try {
        await this.segment.file.write(group.map((w) => w.lines).join(''));
        await this.segment.file.datasync();
        for (const w of group) w.resolve();
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
  }
}

/** A new segment file, with its directory entry synced too (an fsynced file nobody can find is lost all the same). */
async function createSegment(dir: string, path: string): Promise<FileHandle> {
  const file = await open(path, 'a');
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
  return file;
}

function segmentPath(dir: string, number: number): string {
  return join(dir, `segment-${String(number).padStart(12, '0')}.ndjson`);
}

/** A segment's rows; a torn last line (the process died mid-write, before its fsync answered) is skipped. */
function readSegment(path: string): LoggedPrediction[] {
  const rows: LoggedPrediction[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const row = JSON.parse(line) as LoggedPrediction;
      rows.push({ ...row, predictedAt: new Date(row.predictedAt) });
    } catch {
      logger.warn({ path }, 'prediction journal: skipping a torn line (never acknowledged)');
    }
  }
  return rows;
}

