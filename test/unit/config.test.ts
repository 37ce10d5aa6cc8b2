import { describe, expect, it } from 'vitest';
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
});
