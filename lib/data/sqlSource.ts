import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { redactUrlsIn } from '../auth/redact';
import { DataError } from '../errors';
import { ignoreProgress, reportWhilePending, type ReportProgress } from '../progress';

/** Rows fetched per round trip (and per progress report). */
const ROWS_PER_BATCH = 5_000;

/** What PostgreSQL says when a prepared statement holds more than one command. */
const MULTIPLE_COMMANDS = /cannot insert multiple commands into a prepared statement/;

/**
 * Runs one read-only query against a PostgreSQL database and writes its rows as JSON lines.
 *
 * The query is sent with the extended query protocol (pg-cursor: Parse, Bind, Execute in batches),
 * which takes exactly one statement, so `;` cannot smuggle a second one in; it runs as a subquery
 * (so it must be a SELECT) inside a READ ONLY transaction, under a statement timeout and an overall
 * deadline; more than `maxRows` rows is refused rather than silently cut. What the query can read is
 * still the connection's role's business: give it a role without superuser or file privileges
 * (README, "Security").
 */
export async function querySqlToJsonl(
  connectionString: string,
  query: string,
  target: string,
  options: { maxRows: number; timeoutMs: number },
  progress: ReportProgress = ignoreProgress,
): Promise<number> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000, statement_timeout: options.timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new DataError(`cannot connect to the source database: ${redactUrlsIn((error as Error).message)}`);
  }
  let timedOut = false;
  // A server that stops answering mid-stream would leave a read pending forever: end the connection at the deadline.
  const deadline = setTimeout(() => {
    timedOut = true;
    void client.end().catch(() => undefined);
  }, options.timeoutMs);
  const out = createWriteStream(target);
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    const cursor = client.query(new Cursor(`SELECT * FROM (${query.replace(/;\s*$/, '')}) AS cairn_source`));
    let rows = 0;
    for (;;) {
      // The database may work a long while before a batch (a sort, an aggregate): that wait is bounded by the deadline above.
      const batch = await reportWhilePending(progress, { phase: 'query', rows }, cursor.read(ROWS_PER_BATCH));
      if (batch.length === 0) break;
      rows += batch.length;
      if (rows > options.maxRows) throw new DataError(`the source query returned more than maxRows (${options.maxRows}) rows`);
      for (const row of batch) {
        if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
      }
      progress({ phase: 'query', rows });
    }
    await cursor.close();
    out.end();
    await once(out, 'finish');
    return rows;
  } catch (error) {
    if (error instanceof DataError) throw error;
    if (timedOut) throw new DataError(`the source query did not finish within timeoutMs (${options.timeoutMs} ms)`);
    const message = (error as Error).message;
    if (MULTIPLE_COMMANDS.test(message)) throw new DataError('the source query must be one SELECT statement (it holds several)');
    throw new DataError(`the source query failed: ${redactUrlsIn(message)}`);
  } finally {
    clearTimeout(deadline);
    out.destroy();
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
