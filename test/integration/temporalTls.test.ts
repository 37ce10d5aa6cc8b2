import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { parseConfig } from '../../lib/config';
import { definePipeline, defineRegistry } from '../../lib/dsl';
import { ConfigError } from '../../lib/errors';
import { freePort } from '../../lib/freePort';
import { startRun } from '../../lib/runs/startRun';
import { scratchServices } from '../../lib/services';
import { connectClient } from '../../lib/temporal';
import { temporalConnectionOptions } from '../../lib/temporalConnection';
import { createPipelineWorker } from '../../workers/createWorker';
import { uniqueQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

// Promised (README, Configuration): Cairn reaches a Temporal that asks for TLS, a client certificate
// (mTLS) or an API key (Temporal Cloud), from TEMPORAL_TLS_* and TEMPORAL_API_KEY, in the API's client
// and the workers alike; a missing or unreadable file is a ConfigError naming the variable. The
// secured Temporal here is Debian's nginx in front of the test dev server (which serves no TLS):
// one port verifies client certificates, one checks an API key.
const NGINX = '/usr/sbin/nginx';
const API_KEY = `key-${crypto.randomUUID()}`;
const dir = mkdtempSync(join(tmpdir(), 'cairn-tls-'));
const pem = (name: string) => join(dir, name);
let nginx: ChildProcess;
let mtlsAddress: string;
let apiKeyAddress: string;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, a server certificate for temporal.test and 127.0.0.1, and a client certificate, all signed by the CA. */
function makeCertificates(): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=cairn test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  writeFileSync(pem('server.ext'), 'subjectAltName=DNS:temporal.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=temporal.test', '-keyout', 'server.key', '-out', 'server.csr');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.crt');
  writeFileSync(pem('client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=cairn worker', '-keyout', 'client.key', '-out', 'client.csr');
  openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'client.ext', '-out', 'client.crt');
}

function nginxConfig(mtlsPort: number, apiKeyPort: number, temporal: string): string {
  const tls = `ssl_certificate ${pem('server.crt')}; ssl_certificate_key ${pem('server.key')};`;
  return `daemon off; master_process off; pid ${pem('nginx.pid')}; error_log ${pem('error.log')} warn;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy; fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
  server {
    listen 127.0.0.1:${mtlsPort} ssl http2; ${tls}
    ssl_client_certificate ${pem('ca.crt')}; ssl_verify_client on;
    location / { grpc_pass grpc://${temporal}; }
  }
  server {
    listen 127.0.0.1:${apiKeyPort} ssl http2; ${tls}
    location / {
      if ($http_authorization != "Bearer ${API_KEY}") { return 401; }
      grpc_pass grpc://${temporal};
    }
  }
}
`;
}

const tlsEnv = (extra: Record<string, string>) => parseConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: pem('ca.crt'), TEMPORAL_TLS_SERVER_NAME: 'temporal.test', ...extra });
const reachable = async (cfg: ReturnType<typeof parseConfig>) => {
  const client = await connectClient(cfg);
  try {
    await client.connection.withDeadline(Date.now() + 5_000, () => client.workflowService.getSystemInfo({}));
  } finally {
    await client.connection.close();
  }
};

beforeAll(async () => {
  makeCertificates();
  mkdirSync(join(dir, 'tmp'));
  const [mtlsPort, apiKeyPort] = [await freePort(), await freePort()];
  mtlsAddress = `127.0.0.1:${mtlsPort}`;
  apiKeyAddress = `127.0.0.1:${apiKeyPort}`;
  writeFileSync(pem('nginx.conf'), nginxConfig(mtlsPort, apiKeyPort, inject('temporalAddress')));
  nginx = spawn(NGINX, ['-c', pem('nginx.conf'), '-p', dir], { stdio: 'ignore' });
  await waitFor(async () => {
    if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}; see ${pem('error.log')}`);
    return fetch(`https://${mtlsAddress}`).then(() => true, (error: Error) => !/ECONNREFUSED/.test(String(error.cause ?? error)));
  }, 'nginx to listen');
}, 60_000);
afterAll(() => {
  nginx?.kill('SIGTERM');
});

describe('Temporal behind TLS, mTLS and an API key', () => {
  it('runs a pipeline end to end with the client and the worker both on mutual TLS', async () => {
    const cfg = tlsEnv({ TEMPORAL_ADDRESS: mtlsAddress, TEMPORAL_TLS_CLIENT_CERT_PATH: pem('client.crt'), TEMPORAL_TLS_CLIENT_KEY_PATH: pem('client.key') });
    const client = await connectClient(cfg);
    const connection = await NativeConnection.connect(temporalConnectionOptions(cfg));
    const taskQueue = uniqueQueue('tls');
    const worker = await createPipelineWorker({ connection, namespace: 'default', taskQueue, activities: createActivities(defineRegistry({ pipelines: [] }), scratchServices()), runWorkflows: true, workflowBundle: { codePath: inject('workflowBundlePath') } });
    const pipeline = definePipeline({ id: 'over-tls', params: z.object({}), steps: { a: { activity: 'noop' }, b: { activity: 'sleep', after: ['a'], config: { ms: 10 } } } });
    try {
      const result = await worker.runUntil(async () => (await startRun(client, { pipeline, trigger: 'test', taskQueue })).handle.result());
      expect(result.status).toBe('succeeded');
    } finally {
      await client.connection.close();
      await connection.close();
    }
  }, 60_000);

  it('takes the certificates inline (the _DATA forms, as from a secret) as well as from files', async () => {
    const { readFileSync } = await import('node:fs');
    const inline = parseConfig({
      TEMPORAL_ADDRESS: mtlsAddress,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: readFileSync(pem('ca.crt'), 'utf8'),
      TEMPORAL_TLS_CLIENT_CERT_DATA: readFileSync(pem('client.crt'), 'utf8'),
      TEMPORAL_TLS_CLIENT_KEY_DATA: readFileSync(pem('client.key'), 'utf8'),
    });
    await expect(reachable(inline)).resolves.toBeUndefined();
  }, 60_000);

  it('is refused without the client certificate, and without the right CA', async () => {
    await expect(reachable(tlsEnv({ TEMPORAL_ADDRESS: mtlsAddress }))).rejects.toThrow();
    // The server's certificate is not signed by a CA the system trusts.
    await expect(reachable(parseConfig({ TEMPORAL_ADDRESS: mtlsAddress, TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_NAME: 'temporal.test', TEMPORAL_TLS_CLIENT_CERT_PATH: pem('client.crt'), TEMPORAL_TLS_CLIENT_KEY_PATH: pem('client.key') }))).rejects.toThrow();
  }, 60_000);

  it('sends an API key when one is configured, and is refused without it', async () => {
    await expect(reachable(tlsEnv({ TEMPORAL_ADDRESS: apiKeyAddress, TEMPORAL_API_KEY: API_KEY }))).resolves.toBeUndefined();
    await expect(reachable(tlsEnv({ TEMPORAL_ADDRESS: apiKeyAddress, TEMPORAL_API_KEY: 'wrong' }))).rejects.toThrow();
    await expect(reachable(tlsEnv({ TEMPORAL_ADDRESS: apiKeyAddress }))).rejects.toThrow();
  }, 60_000);

  it('names what is wrong with the TLS configuration', () => {
    expect(() => parseConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: pem('client.crt') })).toThrow(/TEMPORAL_TLS_CLIENT_KEY_PATH.*mTLS needs both a client certificate and its key/);
    expect(() => parseConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: pem('ca.crt'), TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'x' })).toThrow(/TEMPORAL_TLS_SERVER_CA_CERT_DATA.*not both/);
    expect(() => temporalConnectionOptions(tlsEnv({ TEMPORAL_ADDRESS: mtlsAddress, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pem('missing.crt') }))).toThrow(new ConfigError(`TEMPORAL_TLS_SERVER_CA_CERT_PATH=${pem('missing.crt')}: cannot be read (ENOENT)`));
    expect(temporalConnectionOptions(parseConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }))).toEqual({ address: '127.0.0.1:7233' });
  });
});
