/** How pages write times, durations and numbers: short, and the same everywhere. */
import { shortNumber } from '../../lib/numberText';

export function timeText(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

export function durationText(fromIso: string | null | undefined, toIso: string | null | undefined): string {
  if (!fromIso) return '-';
  const ms = (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso);
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** A value of a metric or statistic: a number as lib/numberText writes it for people, a missing one as '-'. */
export function numberText(value: unknown): string {
  if (typeof value !== 'number') return value === null || value === undefined ? '-' : String(value);
  return shortNumber(value);
}

/** JSON for a person, cut at `max` characters (an output summary, a params table cell). */
export function jsonText(value: unknown, max = 600): string {
  const text = JSON.stringify(value, null, 1) ?? 'null';
  return text.length > max ? `${text.slice(0, max)} … (${text.length} characters)` : text;
}
