import type { ModelDescription } from '../ml/servableModel';

/**
 * Checks prediction inputs against the model's feature schema: every feature present (null allowed:
 * it becomes the training mean or no category), numbers finite, categories text or boolean.
 * Returns one `{ path, message }` per problem, naming the instance and the field.
 */
export function instanceProblems(model: Pick<ModelDescription, 'features'>, instances: unknown[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  instances.forEach((instance, index) => {
    if (typeof instance !== 'object' || instance === null || Array.isArray(instance)) {
      problems.push({ path: `instances.${index}`, message: 'expected an object of feature values' });
      return;
    }
    const row = instance as Record<string, unknown>;
    for (const feature of model.features) {
      const path = `instances.${index}.${feature.name}`;
      if (!(feature.name in row)) {
        problems.push({ path, message: 'missing (send null for an unknown value)' });
        continue;
      }
      const value = row[feature.name];
      if (value === null) continue;
      if (feature.kind === 'numeric' && (typeof value !== 'number' || !Number.isFinite(value))) problems.push({ path, message: `expected a finite number, got ${shown(value)}` });
      if (feature.kind === 'categorical' && typeof value !== 'string' && typeof value !== 'boolean') problems.push({ path, message: `expected text, got ${shown(value)}` });
    }
  });
  return problems;
}

/** A sent value as an error names it: JSON, but Infinity as itself (JSON would say null) and at most 80 characters of it. */
function shown(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
