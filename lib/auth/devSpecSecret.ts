import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The spec secret `cairn dev` uses when CAIRN_SPEC_SECRET is not set: made once, kept in CAIRN_HOME
 * readable by its owner only, so runs signed before a restart still run after it.
 */
export async function devSpecSecret(home: string): Promise<string> {
  const path = join(home, 'spec-secret');
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing && existing.trim().length >= 32) return existing.trim();
  await mkdir(home, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
