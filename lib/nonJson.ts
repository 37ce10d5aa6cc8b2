/**
 * Where a value stops being plain JSON, and what is there, said so a person can fix it: "output.at
 * is a Date: return its text, date.toISOString()". zod's JSON schema only says that some branch of
 * its union failed, and a step returning a Date, a bigint, NaN or a Map was told "not plain JSON"
 * with no field named. Undefined object properties count as absent, as JSON.stringify drops them.
 */
export function nonJsonAt(value: unknown, root: string): string | undefined {
  const ancestors = new Set<object>();
  const visit = (v: unknown, path: string): string | undefined => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
    if (typeof v === 'number') return Number.isFinite(v) ? undefined : `${path} is ${v}, which JSON cannot hold: return null or a finite number`;
    if (typeof v === 'bigint') return `${path} is a bigint (${v}n): return Number(...) or String(...)`;
    if (v === undefined) return `${path} is undefined: return null`;
    if (typeof v !== 'object') return `${path} is a ${typeof v}`;
    if (ancestors.has(v)) return `${path} refers back to an object that contains it (a cycle)`;
    if (v instanceof Date) return `${path} is a Date: return its text, date.toISOString()`;
    if (v instanceof Map) return `${path} is a Map: return Object.fromEntries(map)`;
    if (v instanceof Set) return `${path} is a Set: return [...set]`;
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return `${path} is a ${v.constructor.name}: return Array.from(...), or store large data as an artifact`;
    const prototype = Object.getPrototypeOf(v) as unknown;
    if (!Array.isArray(v) && prototype !== Object.prototype && prototype !== null) return `${path} is a ${(v as { constructor?: { name?: string } }).constructor?.name ?? 'class instance'}: return a plain object`;
    ancestors.add(v);
    try {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const problem = visit(v[i], `${path}[${i}]`);
          if (problem) return problem;
        }
        return undefined;
      }
      for (const [key, item] of Object.entries(v)) {
        if (item === undefined) continue;
        const problem = visit(item, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);
        if (problem) return problem;
      }
      return undefined;
    } finally {
      ancestors.delete(v);
    }
  };
  return visit(value, root);
}
