import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { createWriteStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { redactUrl } from '../auth/redact';
import { ConfigError, DataError } from '../errors';
import { ignoreProgress, type ReportProgress } from '../progress';
import { isPrivateAddress } from './privateAddress';
import type { IngestConfig } from '../stages/ingest';
import type { SourcePolicy } from './sourcePolicy';

/** The policy an ingest source is fetched under: the deployment's hosts, narrowed by the step's `allowHosts`, within its limits. */
export function ingestFetchPolicy(config: Pick<IngestConfig, 'allowHosts' | 'maxBytes' | 'timeoutMs'>, policy: SourcePolicy): FetchPolicy {
  return { allowHosts: policy.allowHosts, narrowTo: config.allowHosts, privateHosts: policy.privateHosts, maxBytes: config.maxBytes, timeoutMs: config.timeoutMs };
}

export interface FetchPolicy {
  /** The deployment's allow-list: exact host names, or `*.example.com` for subdomains. */
  allowHosts: readonly string[];
  /** A pipeline's narrower list: a host must be on both (it can only take hosts away). */
  narrowTo?: readonly string[];
  /** Hosts allowed to resolve to private or loopback addresses (the deployment's choice). */
  privateHosts: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
}

function hostAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p));
}

function refusedAddress(url: URL, host: string, address: string): ConfigError {
  return new ConfigError(`${redactUrl(url.href)}: host '${host}' resolves to the private address ${address}, which is not allowed`);
}

/** Refuses a URL whose scheme or host the policy does not allow, and an IP literal that is not public. */
function checkUrl(url: URL, policy: FetchPolicy): { host: string; privateAllowed: boolean } {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${redactUrl(url.href)}: only http and https URLs can be ingested`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!hostAllowed(host, policy.allowHosts)) {
    throw new ConfigError(`${redactUrl(url.href)}: host '${host}' is not in the deployment's allow-list (CAIRN_ALLOW_HOSTS: ${policy.allowHosts.join(', ') || 'empty'})`);
  }
  if (policy.narrowTo && !hostAllowed(host, policy.narrowTo)) {
    throw new ConfigError(`${redactUrl(url.href)}: host '${host}' is not in the step's allowHosts (${policy.narrowTo.join(', ') || 'empty'})`);
  }
  const privateAllowed = hostAllowed(host, policy.privateHosts);
  // A literal address is connected to without a lookup: it is checked here, the same way.
  if (isIP(host) && !privateAllowed && isPrivateAddress(host)) throw refusedAddress(url, host, host);
  return { host, privateAllowed };
}

/**
 * The lookup the connection itself uses: the name is resolved once, and refused if any address it
 * gives is not public, so the address that is checked is the address that is connected to (no
 * window for a DNS answer that changes between a check and the connection).
 */
function checkingLookup(url: URL, host: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(new DataError(`${redactUrl(url.href)}: host '${host}' does not resolve`) as NodeJS.ErrnoException, '', 4);
      const refused = addresses.find((a) => isPrivateAddress(a.address));
      if (refused) return callback(refusedAddress(url, host, refused.address) as unknown as NodeJS.ErrnoException, '', 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

function send(method: 'GET' | 'HEAD', url: URL, lookup: LookupFunction | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // agent: false, a connection of its own: a pooled keep-alive socket would skip the checking lookup.
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, signal, agent: false, ...(lookup ? { lookup } : {}) }, resolve);
    request.on('error', reject);
    request.end();
  });
}

/**
 * Sends a request under the policy: allowed hosts only, no address that is not public unless the host
 * is allowed one (checked at connect time), each redirect checked like the first URL, a time limit.
 * Returns the first 2xx answer; anything else is a DataError naming the URL (redacted).
 */
async function requestAllowed(method: 'GET' | 'HEAD', href: string, policy: FetchPolicy): Promise<{ response: IncomingMessage; url: URL }> {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new ConfigError(`'${redactUrl(href)}' is not a URL`);
  }
  const signal = AbortSignal.timeout(policy.timeoutMs);
  for (let hop = 0; hop <= (policy.maxRedirects ?? 3); hop++) {
    const { host, privateAllowed } = checkUrl(url, policy);
    const response = await send(method, url, privateAllowed ? undefined : checkingLookup(url, host), signal).catch((error: Error) => {
      if (error instanceof ConfigError || error instanceof DataError) throw error;
      throw new DataError(`${redactUrl(url.href)}: ${error.name === 'TimeoutError' || error.name === 'AbortError' ? `no answer within ${policy.timeoutMs} ms` : error.message}`);
    });
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.resume();
      url = new URL(location, url);
      continue;
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new DataError(`${redactUrl(url.href)}: the server answered ${status}`);
    }
    return { response, url };
  }
  throw new DataError(`${redactUrl(href)}: more than ${policy.maxRedirects ?? 3} redirects`);
}

/** Downloads a URL to a file under the policy (see requestAllowed), within its size limit. Each chunk received is reported as progress. */
export async function fetchToFile(href: string, target: string, policy: FetchPolicy, progress: ReportProgress = ignoreProgress): Promise<{ bytes: number; finalUrl: string }> {
  const { response, url } = await requestAllowed('GET', href, policy);
  const declared = Number(response.headers['content-length'] ?? 0);
  if (declared > policy.maxBytes) {
    response.destroy();
    throw new DataError(`${redactUrl(url.href)}: ${declared} bytes is over the ${policy.maxBytes}-byte limit`);
  }
  let bytes = 0;
  const shown = redactUrl(url.href);
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.byteLength;
      progress({ phase: 'fetch', bytes });
      done(bytes > policy.maxBytes ? new DataError(`${shown}: more than the ${policy.maxBytes}-byte limit`) : null, chunk);
    },
  });
  await pipeline(response, counted, createWriteStream(target));
  return { bytes, finalUrl: url.href };
}

/** What a server says identifies a URL's current content (a HEAD request under the same policy): its validators, if it sends any. */
export async function fetchValidators(href: string, policy: FetchPolicy): Promise<{ etag?: string; lastModified?: string; length?: string }> {
  const { response } = await requestAllowed('HEAD', href, policy);
  response.resume();
  const { etag, 'last-modified': lastModified, 'content-length': length } = response.headers;
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}), ...(length ? { length } : {}) };
}
