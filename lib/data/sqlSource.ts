import { redactUrlsIn } from '../auth/redact';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';
import { DataError } from '../errors';

/**
 * Runs a read-only query against a PostgreSQL database and writes the rows as JSON lines.
 * The query runs in a READ ONLY transaction with a statement timeout; more than `maxRows` rows is
 * refused rather than silently cut.
 */
export async function querySqlToJsonl(url: string, query: string, target: string, options: { maxRows: number; timeoutMs: number }): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: options.timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new DataError(`cannot connect to the source database: ${redactUrlsIn((error as Error).message)}`);
  }
  try {
    await client.query('BEGIN READ ONLY');
    const result = await client.query(`SELECT * FROM (${query.replace(/;\s*$/, '')}) AS cairn_source LIMIT ${options.maxRows + 1}`).catch((error: Error) => {
      throw new DataError(`the source query failed: ${error.message}`);
    });
    if (result.rows.length > options.maxRows) throw new DataError(`the source query returned more than maxRows (${options.maxRows}) rows`);
    const out = createWriteStream(target);
    for (const row of result.rows) {
      if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return result.rows.length;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
