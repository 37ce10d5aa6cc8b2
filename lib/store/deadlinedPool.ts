import pg from 'pg';
import { DependencyUnavailableError } from '../errors';
import { failedDependency } from '../faults/dependencyFailure';

export interface StoreDeadlines {
  /** How long to wait for a connection (a stopped server refuses at once; a frozen one never answers). */
  connectTimeoutMs: number;
  /** Every statement's deadline, enforced by the server (statement_timeout) and by the client (a frozen server). */
  statementTimeoutMs: number;
}

export const DEFAULT_STORE_DEADLINES: StoreDeadlines = { connectTimeoutMs: 2_000, statementTimeoutMs: 5_000 };

/** Pool options with deadlines on every connect and statement, and TCP keep-alive for silent peers. */
export function deadlineOptions(deadlines: StoreDeadlines): pg.PoolConfig {
  return {
    connectionTimeoutMillis: deadlines.connectTimeoutMs,
    // The server cancels a statement past the deadline; the client gives up a little later, for a server that cannot.
    statement_timeout: deadlines.statementTimeoutMs,
    query_timeout: deadlines.statementTimeoutMs + 500,
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000,
  };
}

/**
 * A pool whose failures of availability become DependencyUnavailableError('postgres'), so callers
 * (an API answering 503, a step retried by the workflow) need not know pg's many ways of saying so.
 * Errors of the query itself (a constraint, a syntax error) pass through untouched.
 */
export class DeadlinedPool extends pg.Pool {
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) return result.catch(rethrowAsUnavailable) as never;
    return result as never;
  }

  override connect(...args: unknown[]): never {
    const result = (super.connect as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) return result.catch(rethrowAsUnavailable) as never;
    return result as never;
  }
}

function rethrowAsUnavailable(error: unknown): never {
  if (error instanceof DependencyUnavailableError) throw error;
  if (failedDependency(error)) throw new DependencyUnavailableError('postgres', error);
  throw error;
}
