import type { JsonValue, StepCondition } from '../dsl/spec';

/**
 * A step's `when`: whether an upstream step's output lets it run. Pure and deterministic (the
 * workflow decides with it, and replays decide the same), so it reads only the upstream step's
 * recorded output and status.
 */

/** Deep equality of JSON values: object keys in any order, arrays in order. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

/** A path segment that picks a list's item: a number without leading zeros. */
export const LIST_INDEX = /^(0|[1-9]\d*)$/;

/**
 * The value at a dotted path of an output (`gate.passed`, `checks.0.passed`: a number picks a list's
 * item), or undefined where the path leads nowhere. `indexLists` is asked when the path reaches into
 * a list (see ConditionSources).
 */
function valueAt(output: JsonValue | null, path: string | undefined, indexLists: () => boolean): JsonValue | undefined {
  let value: JsonValue | undefined = output ?? undefined;
  for (const key of path === undefined ? [] : path.split('.')) {
    if (Array.isArray(value)) value = LIST_INDEX.test(key) && indexLists() ? value[Number(key)] : undefined;
    // Own fields only: 'constructor' or '__proto__' must not reach Object's own (a function is no JSON value).
    else value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? value[key] : undefined;
  }
  return value;
}

const shown = (value: JsonValue): string => {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** The value a condition compares with, and how: `notEquals` when given, else `equals` (true when not given). */
export function comparedValue(condition: Pick<StepCondition, 'equals' | 'notEquals'>): { key: 'equals' | 'notEquals'; value: JsonValue } {
  if (condition.notEquals !== undefined) return { key: 'notEquals', value: condition.notEquals as JsonValue };
  return { key: 'equals', value: (condition.equals === undefined ? true : condition.equals) as JsonValue };
}

/** What a condition reads: an upstream step's state, or the run's params. */
export interface ConditionSources {
  step(name: string): { status: string; output: JsonValue | null };
  params: JsonValue;
  /**
   * Whether a number in the path picks a list's item (default: yes). The workflow answers through a
   * patch: runs recorded before lists were indexed read nothing there, and replays keep that.
   */
  indexLists?: () => boolean;
}

/**
 * Why the step must not run, or undefined when its condition holds: the upstream step `condition.step`
 * gave (at `condition.field`, or as its whole output), or the run's param `condition.param` is (at
 * `condition.field` within it), a value equal to `condition.equals`; or, for `notEquals`, anything
 * else (a field that is not there included). An upstream step that was skipped gave nothing, which
 * holds neither.
 */
export function unmetCondition(condition: StepCondition, sources: ConditionSources): string | undefined {
  const compared = comparedValue(condition);
  const wanted = compared.key === 'equals';
  const expected = compared.value;
  const indexLists = sources.indexLists ?? (() => true);
  if (condition.param !== undefined) {
    const path = condition.field === undefined ? condition.param : `${condition.param}.${condition.field}`;
    const runsWhen = `this step runs ${wanted ? 'when' : 'unless'} it is ${shown(expected)}`;
    const value = valueAt(sources.params, path, indexLists);
    if (value === undefined) return wanted ? `skipped: param ${path} was not given; ${runsWhen}` : undefined;
    return jsonEqual(value, expected) === wanted ? undefined : `skipped: param ${path} is ${shown(value)}; ${runsWhen}`;
  }
  const upstream = sources.step(condition.step ?? '');
  const what = `step '${condition.step}'`;
  const named = condition.field === undefined ? 'an output' : `'${condition.field}'`;
  const runsWhen = `this step runs ${wanted ? 'when' : 'unless'} ${condition.field ?? 'its output'} is ${shown(expected)}`;
  if (upstream.status === 'skipped') return `skipped: ${what} was skipped, so it gave no ${named}; ${runsWhen}`;
  const value = valueAt(upstream.output, condition.field, indexLists);
  if (value === undefined) return wanted ? `skipped: ${what} gave no ${named}${upstream.output === null ? '' : ` (its output: ${shown(upstream.output)})`}; ${runsWhen}` : undefined;
  if (jsonEqual(value, expected) === wanted) return undefined;
  return `skipped: ${what} gave ${condition.field ?? 'the output'} = ${shown(value)}; ${runsWhen}`;
}
