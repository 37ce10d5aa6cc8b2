import { redactUrl } from '../auth/redact';
import { lookup } from 'node:dns/promises';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { ConfigError, DataError } from '../errors';
import { isPrivateAddress } from './privateAddress';

export interface FetchPolicy {
  /** Hosts that may be fetched from: exact names, or `*.example.com` for subdomains. */
  allowHosts: string[];
  /** Hosts allowed to resolve to private or loopback addresses (e.g. an internal data server). */
  privateHostsAllowed?: string[];
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
}

function hostAllowed(host: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p));
}

/** Refuses a URL whose scheme, host or resolved addresses the policy does not allow. */
async function checkUrl(url: URL, policy: FetchPolicy): Promise<void> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${redactUrl(url.href)}: only http and https URLs can be ingested`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!hostAllowed(host, policy.allowHosts)) {
    throw new ConfigError(`${redactUrl(url.href)}: host '${host}' is not in the allow-list (${policy.allowHosts.join(', ') || 'empty'})`);
  }
  if (hostAllowed(host, policy.privateHostsAllowed ?? [])) return;
  const addresses = await lookup(host, { all: true }).catch(() => {
    throw new DataError(`${redactUrl(url.href)}: host '${host}' does not resolve`);
  });
  const internal = addresses.find((a) => isPrivateAddress(a.address));
  if (internal) throw new ConfigError(`${redactUrl(url.href)}: host '${host}' resolves to the private address ${internal.address}, which is not allowed`);
}

/**
 * Downloads a URL to a file under the policy: allowed hosts only, no private addresses unless
 * allowed, each redirect checked like the first URL, a size and a time limit.
 */
export async function fetchToFile(href: string, target: string, policy: FetchPolicy): Promise<{ bytes: number; finalUrl: string }> {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new ConfigError(`'${redactUrl(href)}' is not a URL`);
  }
  const signal = AbortSignal.timeout(policy.timeoutMs);
  for (let hop = 0; hop <= (policy.maxRedirects ?? 3); hop++) {
    await checkUrl(url, policy);
    const response = await fetch(url, { redirect: 'manual', signal }).catch((error: Error) => {
      throw new DataError(`${redactUrl(url.href)}: ${error.name === 'TimeoutError' ? `no answer within ${policy.timeoutMs} ms` : error.message}`);
    });
    if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
      url = new URL(response.headers.get('location') as string, url);
      await response.body?.cancel();
      continue;
    }
    if (!response.ok || !response.body) throw new DataError(`${redactUrl(url.href)}: the server answered ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > policy.maxBytes) throw new DataError(`${redactUrl(url.href)}: ${declared} bytes is over the ${policy.maxBytes}-byte limit`);
    let bytes = 0;
    const counted = Readable.fromWeb(response.body as WebReadableStream).on('data', (chunk: Buffer) => {
      bytes += chunk.byteLength;
      if (bytes > policy.maxBytes) counted.destroy(new DataError(`${redactUrl(url.href)}: more than the ${policy.maxBytes}-byte limit`));
    });
    await pipeline(counted, createWriteStream(target));
    return { bytes, finalUrl: url.href };
  }
  throw new DataError(`${redactUrl(href)}: more than ${policy.maxRedirects ?? 3} redirects`);
}
