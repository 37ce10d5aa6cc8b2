import type { Connection } from '@temporalio/client';
// A CommonJS module whose exports Node's ESM loader cannot list: its default import works compiled and under tsx.
import proto from '@temporalio/proto';
import { CAIRN_SEARCH_ATTRIBUTES } from './searchAttributes';

/**
 * Registers Cairn's search attributes (CairnPipeline, CairnTrigger, CairnStatus, CairnModel) in a
 * namespace, once: those already there are left alone, so running it again (a Kubernetes Job that
 * is retried, a second `cairn namespace-setup`) changes nothing. Returns the names it added.
 * Temporal Cloud manages search attributes through its own console or `tcld`, not this API.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const known = new Set(await customSearchAttributes(connection, namespace));
  const missing = CAIRN_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return missing.map((key) => key.name);
}

/** gRPC's UNIMPLEMENTED: the time-skipping test server adds search attributes but cannot list them. */
const UNIMPLEMENTED = 12;

async function customSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    return Object.keys(existing.customAttributes ?? {});
  } catch (error) {
    if ((error as { code?: unknown }).code === UNIMPLEMENTED) return [];
    throw error;
  }
}
