import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { JsonValue } from '../dsl/spec';
import type { IngestConfig } from '../stages/ingest';
import { fetchValidators, ingestFetchPolicy } from './fetchAllowed';
import { allowedFile, type SourcePolicy } from './sourcePolicy';
import { isFeedbackSource } from './feedbackSource';

export type SourceFingerprint = { fingerprint: JsonValue } | { reason: string };

/**
 * What identifies the data an ingest step would read now, for the step cache's key: a file's size,
 * modification time and content hash; a URL's ETag or Last-Modified (from a HEAD request under the
 * same policy as the download). A SQL query has no cheap fingerprint, nor has a URL whose server
 * sends no validator: those steps run every time.
 */
export async function sourceFingerprint(config: IngestConfig, policy: SourcePolicy): Promise<SourceFingerprint> {
  if (isFeedbackSource(config.source)) return { reason: 'a feedback source changes with every labelled prediction: it is assembled again on every run' };
  if (/^sql:/i.test(config.source)) return { reason: 'a SQL source has no cheap fingerprint: it is read again on every run' };
  if (/^https?:\/\//i.test(config.source)) {
    const validators = await fetchValidators(config.source, ingestFetchPolicy(config, policy));
    if (!validators.etag && !validators.lastModified) return { reason: 'the server sends neither ETag nor Last-Modified for this URL' };
    return { fingerprint: { kind: 'url', url: config.source, ...validators } };
  }
  const path = await allowedFile(policy, config.source);
  const info = await stat(path);
  if (!info.isFile()) return { reason: `no file at '${config.source}'` };
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return { fingerprint: { kind: 'file', size: info.size, mtimeMs: info.mtimeMs, sha256: hash.digest('hex') } };
}
