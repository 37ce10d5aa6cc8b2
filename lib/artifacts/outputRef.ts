import type { JsonValue } from '../dsl/spec';
import type { ArtifactStore } from './artifactStore';

/**
 * Claim check for step outputs. Everything a workflow holds travels through Temporal, whose payloads
 * are capped at 2 MiB per event (and a run's state and result hold every output): a step output
 * larger than this goes to the artifact store, and only a small reference travels. Steps and the API
 * see the output itself; only the workflow sees the reference.
 */
export const OUTPUT_INLINE_LIMIT_BYTES = 32 * 1024;
/** The largest output a step may return at all (it is read into memory by every downstream step). */
export const MAX_STEP_OUTPUT_BYTES = 64 * 1024 * 1024;
export const OUTPUT_MEDIA_TYPE = 'application/vnd.cairn.step-output+json';

export interface OutputRef {
  $cairnOutput: string;
  size: number;
}

export function isOutputRef(value: unknown): value is OutputRef {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const ref = value as Record<string, unknown>;
  return typeof ref.$cairnOutput === 'string' && typeof ref.size === 'number' && Object.keys(ref).length === 2;
}

/** Whether an output of `bytes` (its JSON's size) travels as a reference instead of inline. */
export function travelsByReference(bytes: number): boolean {
  return bytes > OUTPUT_INLINE_LIMIT_BYTES;
}

/**
 * Stores an output that travels by reference (see travelsByReference) and returns the reference.
 * `json` is its serialized form. The caller decides from the size it has already measured, so a
 * small output (most of them) costs no promise and no second encoding.
 */
export async function storeLargeOutput(json: string, artifacts: ArtifactStore): Promise<JsonValue> {
  const ref = await artifacts.put(Buffer.from(json), OUTPUT_MEDIA_TYPE);
  return { $cairnOutput: ref.uri, size: ref.size } satisfies OutputRef;
}

/** The output a reference stands for (hash-verified), or the value itself when it is not a reference. */
export async function resolveOutput(value: JsonValue | null, artifacts: ArtifactStore): Promise<JsonValue | null> {
  if (!isOutputRef(value)) return value;
  return JSON.parse((await artifacts.read(value.$cairnOutput)).toString('utf8')) as JsonValue;
}

/** Every value of a record resolved (upstream outputs, a run's outputs). */
export async function resolveOutputs(values: Record<string, JsonValue | null>, artifacts: ArtifactStore): Promise<Record<string, JsonValue | null>> {
  const entries = await Promise.all(Object.entries(values).map(async ([name, value]) => [name, await resolveOutput(value, artifacts)] as const));
  return Object.fromEntries(entries);
}
