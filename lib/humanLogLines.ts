/**
 * Cairn's JSON log lines as a person reads them on a terminal: `12:03:04.512 WARN  message key=value`.
 * Written here (about 30 lines) rather than taking pino-pretty, which brings a dozen packages (colour,
 * date formatting, a CLI) for this one format.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has, shown in the line's own place or not at all. */
const OMITTED = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'err']);

function value(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v) ?? String(v);
}

/** One JSON line (pino's) as one or more human lines; a line that is not JSON is kept as it is. */
export function humanLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).padEnd(5);
  const fields = Object.entries(entry).filter(([k]) => !OMITTED.has(k)).map(([k, v]) => `${k}=${value(v)}`);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const error = err ? [`err=${value(err.message ?? '')}`] : [];
  const stack = err?.stack && (entry.level as number) >= 50 ? `\n${err.stack.split('\n').map((l) => `    ${l.trim()}`).join('\n')}` : '';
  return `${[time, level, String(entry.msg ?? ''), ...fields, ...error].filter(Boolean).join(' ')}${stack}\n`;
}
