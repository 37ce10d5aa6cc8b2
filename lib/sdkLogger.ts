import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import type { Logger } from 'pino';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's logs (the worker's, and Core's native lines when forwarded) through Cairn's
 * structured logger, so a worker writes one format (JSON, or human lines on a terminal) instead of
 * pino's JSON mixed with the SDK's own text lines.
 */
export class PinoSdkLogger implements SdkLogger {
  constructor(private readonly target: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const pinoLevel = LEVELS[level];
    // The SDK logs every activity's start and end at DEBUG: below the level, nothing is copied.
    if (!this.target.isLevelEnabled(pinoLevel)) return;
    // The SDK tags entries with symbol keys (its timestamp); JSON has no place for them.
    const fields = meta ? Object.fromEntries(Object.entries(meta)) : {};
    this.target[pinoLevel](fields, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** Runtime options that send the SDK's logs, Core's included (at WARN and above), to `target`. */
export function sdkLogging(target: Logger) {
  return {
    logger: new PinoSdkLogger(target.child({ component: 'temporal' })),
    telemetryOptions: { logging: { filter: { core: 'WARN' as const, other: 'WARN' as const }, forward: {} } },
  };
}
