import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unknownVariables } from '../../lib/unknownVariables';
import { parseConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';

describe('lib/config', () => {
  it('applies defaults for an empty environment', () => {
    expect(parseConfig({})).toMatchObject({ TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_NAMESPACE: 'default', CAIRN_PORT: 8080, CAIRN_TASK_QUEUE: 'cairn-pipelines' });
  });

  it('names every bad variable and its value', () => {
    let error: unknown;
    try {
      parseConfig({ CAIRN_PORT: 'eighty', TEMPORAL_ADDRESS: 'localhost', DATABASE_URL: 'mysql://x/y', CAIRN_API_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('CAIRN_PORT="eighty"');
    expect(message).toContain('TEMPORAL_ADDRESS="localhost": expected host:port');
    expect(message).toContain('DATABASE_URL="mysql://x/y": expected a postgres:// URL');
    expect(message).toContain('CAIRN_API_URL="not a url"');
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ CAIRN_PORT: '' }).CAIRN_PORT).toBe(8080);
  });

  it('reads the source policy and run authority from the deployment, naming a bad value without echoing a secret', () => {
    const cfg = parseConfig({
      CAIRN_DATA_ROOTS: '/data/a, /data/b',
      CAIRN_ALLOW_HOSTS: 'data.example.com,*.cdn.example',
      CAIRN_SQL_CONNECTIONS: '{"warehouse":"postgres://reader:pw@db/sales"}',
      CAIRN_PROTECTED_ALIASES: 'production,stable',
    });
    expect(cfg.CAIRN_DATA_ROOTS).toEqual(['/data/a', '/data/b']);
    expect(cfg.CAIRN_ALLOW_HOSTS).toEqual(['data.example.com', '*.cdn.example']);
    expect(cfg.CAIRN_SQL_CONNECTIONS).toEqual({ warehouse: 'postgres://reader:pw@db/sales' });
    expect(cfg.CAIRN_PROTECTED_ALIASES).toEqual(['production', 'stable']);
    expect(parseConfig({}).CAIRN_PROTECTED_ALIASES).toEqual(['production']);
    const message = (() => {
      try {
        parseConfig({ CAIRN_SQL_CONNECTIONS: '{"Bad Name":"postgres://u:hunter2@db/x","ok":"mysql://u:hunter2@db/x"}', CAIRN_SPEC_SECRET: 'short-hunter2' });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain('CAIRN_SQL_CONNECTIONS=(hidden)');
    expect(message).toMatch(/a connection name is lowercase letters/);
    expect(message).toMatch(/expected a postgres:\/\/ URL/);
    expect(message).toContain('CAIRN_SPEC_SECRET=(hidden): at least 32 characters');
    expect(message).not.toContain('hunter2');
  });
});

describe('environment variables Cairn does not read', () => {
  it('names a misspelt setting and the one it most likely meant', () => {
    expect(unknownVariables(['CAIRN_DATA_ROOT', 'CAIRN_PORT', 'CAIRN_SPEC_SECRETS', 'CAIRN_WIDGETS', 'PATH', 'TEMPORAL_CODEC_ENDPOINT'])).toEqual([
      'CAIRN_DATA_ROOT is not a variable Cairn reads (did you mean CAIRN_DATA_ROOTS?); it has no effect',
      'CAIRN_SPEC_SECRETS is not a variable Cairn reads (did you mean CAIRN_SPEC_SECRET?); it has no effect',
      'CAIRN_WIDGETS is not a variable Cairn reads; it has no effect',
    ]);
  });

  it('knows every CAIRN_ variable the deployment files, the Python worker and the scripts use', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
    const used = new Set<string>();
    // Text sources only: a compiled .pyc holds the names followed by arbitrary bytes.
    const sources = [...files('deploy'), ...files('python/cairn_steps'), ...files('scripts'), ...files('templates')].filter((file) => /\.(ts|mjs|js|py|sh|ya?ml|json|md|toml)$/.test(file));
    for (const file of sources) {
      for (const name of readFileSync(join(root, file), 'utf8').match(/\bCAIRN_[A-Z0-9_]+\b/g) ?? []) used.add(name);
    }
    expect(used.size).toBeGreaterThan(20);
    expect(unknownVariables([...used])).toEqual([]);
  });
});

