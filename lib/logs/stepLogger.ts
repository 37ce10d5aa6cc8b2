import type { Logger } from 'pino';
import { MAX_LOG_FIELDS_CHARS, MAX_LOG_MESSAGE_CHARS, type PendingStepLogLine, type StepLogLine } from './stepLogLine';

/** What a step logs through: each line goes to the worker's log and is kept with the run. */
export interface StepLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Where a step's lines are kept; throws when the store cannot take them now. */
export type StepLogSink = (lines: PendingStepLogLine[]) => Promise<void>;

/** Lines sent at once; and how often a step's lines are sent while it runs. */
const BATCH_LINES = 200;
const FLUSH_EVERY_MS = 1_000;
/** Lines held while the store does not answer; past this the oldest are dropped and counted. */
const MAX_HELD_LINES = 5_000;
/** When the step ends: how many tries to store what is held, and the pause between them. */
const CLOSE_ATTEMPTS = 3;
const CLOSE_RETRY_MS = 200;
const CLOSE_BUDGET_MS = 1_000;

/**
 * A step's logger. Every line goes to the worker's structured log at once (bound to the run, step
 * and attempt), and, when there is a store, into a buffer sent to it in batches: every second, at 200
 * lines, and when the step ends (`close`). A store that does not answer never fails the step: its
 * lines are held (up to 5,000, then the oldest are dropped and a line says how many) and sent with
 * the next batch; at the step's end up to three tries 200 ms apart (within about a second), then
 * whatever is still unsent is reported in the worker's log (where every line already is).
 */
export class StepLogger implements StepLog {
  private held: PendingStepLogLine[] = [];
  private dropped = 0;
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private warned = false;
  private boundLog: Logger | undefined;

  constructor(private readonly options: { attempt: number; workerLog: Logger; bindings: Record<string, unknown>; sink: StepLogSink | undefined }) {}

  private get attempt(): number {
    return this.options.attempt;
  }
  private get sink(): StepLogSink | undefined {
    return this.options.sink;
  }

  /** The worker's logger bound to this step, made at the first line (most steps log nothing). */
  private get workerLog(): Logger {
    this.boundLog ??= this.options.workerLog.child(this.options.bindings);
    return this.boundLog;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.line('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.line('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.line('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.line('error', message, fields);
  }

  /**
   * A line kept with the run only, not echoed to the worker's log: for what the worker logs already
   * in its own words (a failed attempt, which the SDK logs as "Activity failed").
   */
  keep(level: StepLogLine['level'], message: string, fields?: Record<string, unknown>): void {
    this.line(level, message, fields, false);
  }

  /**
   * Stops the timer and sends what is held; never throws. Nothing to send (the usual case) returns
   * undefined rather than a promise, so a quiet step awaits nothing: each promise costs a light step
   * time (see activities/stepActivity.ts).
   */
  close(): Promise<void> | undefined {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held.length === 0 && this.dropped === 0) return undefined;
    return this.sendRemaining();
  }

  private async sendRemaining(): Promise<void> {
    // A blip should not cost the lines: a few tries a moment apart, while they fail fast (refused);
    // a store that hangs already took its statement deadline once, and the step has ended.
    const started = Date.now();
    for (let attempt = 0; attempt < CLOSE_ATTEMPTS && (this.held.length > 0 || this.dropped > 0); attempt++) {
      if (attempt > 0) {
        if (Date.now() - started > CLOSE_BUDGET_MS) break;
        await new Promise((resolve) => setTimeout(resolve, CLOSE_RETRY_MS));
      }
      await this.send();
    }
    if (this.held.length > 0 || this.dropped > 0) {
      this.workerLog.warn({ unsent: this.held.length, dropped: this.dropped }, "the step's log lines could not all be stored (they are in this worker's log)");
    }
  }

  private line(level: StepLogLine['level'], message: unknown, fields: Record<string, unknown> | undefined, echo = true): void {
    const text = String(message);
    const bounded = text.length > MAX_LOG_MESSAGE_CHARS ? `${text.slice(0, MAX_LOG_MESSAGE_CHARS)}… (${text.length - MAX_LOG_MESSAGE_CHARS} more characters)` : text;
    const stored = storableFields(fields);
    if (echo) this.workerLog[level](stored ?? {}, bounded);
    if (!this.sink) return;
    this.held.push({ attempt: this.attempt, at: new Date().toISOString(), level, message: bounded, fields: stored });
    this.dropOldestPastLimit();
    if (this.held.length >= BATCH_LINES && !this.sending) void this.send();
    else this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.send();
    }, FLUSH_EVERY_MS).unref();
  }

  private dropOldestPastLimit(): void {
    const excess = this.held.length - MAX_HELD_LINES;
    if (excess <= 0) return;
    this.held.splice(0, excess);
    this.dropped += excess;
  }

  /** One batch at a time; lines logged meanwhile wait for the next. */
  private async send(): Promise<void> {
    while (this.sending) await this.sending;
    const sink = this.sink;
    if (!sink || (this.held.length === 0 && this.dropped === 0)) return;
    const batch = this.held.splice(0, BATCH_LINES);
    const dropped = this.dropped;
    const note: PendingStepLogLine[] = dropped > 0 ? [{ attempt: this.attempt, at: new Date().toISOString(), level: 'warn', message: `${dropped} log lines were dropped while the store did not answer`, fields: null }] : [];
    let sent = false;
    this.sending = sink([...note, ...batch]).then(
      () => {
        sent = true;
        this.dropped -= dropped;
      },
      (error: unknown) => {
        this.held.unshift(...batch);
        this.dropOldestPastLimit();
        if (!this.warned) this.workerLog.warn({ err: error }, "the store did not take the step's log lines; they are held and sent again");
        this.warned = true;
      },
    );
    try {
      await this.sending;
    } finally {
      this.sending = undefined;
    }
    // More waiting (a burst, or lines held through an outage): send on while the store takes them.
    if (sent && this.held.length > 0) await this.send();
  }
}

/** Fields as stored: JSON-safe, bounded; null when none. */
function storableFields(fields: Record<string, unknown> | undefined): StepLogLine['fields'] {
  if (!fields || Object.keys(fields).length === 0) return null;
  let json: string;
  try {
    json = JSON.stringify(fields, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value instanceof Error ? { name: value.name, message: value.message } : value));
  } catch (error) {
    return { unserializable: String(error) };
  }
  if (json.length > MAX_LOG_FIELDS_CHARS) return { truncated: `${json.length} characters of fields, over the ${MAX_LOG_FIELDS_CHARS} kept` };
  return JSON.parse(json) as StepLogLine['fields'];
}
