/**
 * Tells a dependency that did not answer from an error of the caller's own making, by what Node,
 * `pg` and gRPC put on the error (codes first, messages only where `pg` sets no code). Used by the API
 * (503 instead of 500) and by steps (retried by the workflow instead of sent to an operator).
 */
export type Dependency = 'postgres' | 'temporal' | 'network';

/** Socket-level failures: the peer is down, gone or unreachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
/**
 * PostgreSQL SQLSTATEs of an unavailable server: class 08 (connection exception), 57P01-03 (shutdown,
 * crash, cannot connect now), 53300 (too many connections), 57014 (our statement deadline fired).
 */
const POSTGRES_UNAVAILABLE = /^(08...|57P0[123]|53300|57014)$/;
/** What `pg` says (with no code) when its socket closes or its own deadlines fire. */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client was closed|Connection ended/;
/** What @temporalio/client's Connection throws when Temporal did not answer within connectTimeout. */
const TEMPORAL_CONNECT_DEADLINE = 'Failed to connect before the deadline';
/** gRPC status codes (the Temporal client): 4 DEADLINE_EXCEEDED, 14 UNAVAILABLE. */
const GRPC_UNAVAILABLE = new Set([4, 14]);

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The dependency that failed, or undefined when the error is not a dependency being down. */
export function failedDependency(error: unknown, depth = 0): Dependency | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const e = error as ErrorLike & { dependency?: unknown };
  if (e.dependency === 'postgres' || e.dependency === 'temporal' || e.dependency === 'network') return e.dependency;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  // A raw gRPC error (a numeric code and metadata), as the Temporal client's service calls throw.
  if (typeof e.code === 'number' && 'metadata' in e) return GRPC_UNAVAILABLE.has(e.code) ? 'temporal' : undefined;
  // The client's own wrappers: ServiceError around a gRPC error; a connection that cannot be made.
  if (name === 'ConnectionError' || name === 'TransportError') return 'temporal';
  // The Temporal client's own connect (Connection.connect, a lazy connection's first call) gives up with a plain Error.
  if (message === TEMPORAL_CONNECT_DEADLINE) return 'temporal';
  if (typeof e.code === 'string') {
    if (POSTGRES_UNAVAILABLE.test(e.code)) return 'postgres';
    if (NETWORK_CODES.has(e.code)) return 'network';
  }
  if (PG_MESSAGES.test(message)) return 'postgres';
  // AggregateError (a name resolving to several addresses, all refused) and wrapped causes.
  if (Array.isArray(e.errors)) for (const inner of e.errors) { const found = failedDependency(inner, depth + 1); if (found) return found; }
  return failedDependency(e.cause, depth + 1);
}
