import { describe, expect, it } from 'vitest';
import { hashKey, parseEnvApiKeys, roleAllows, sameHash } from '../../lib/auth/apiKeys';
import { redactUrl, redactUrlsIn } from '../../lib/auth/redact';
import { parseConfig } from '../../lib/config';
import { isPrivateAddress } from '../../lib/data/privateAddress';
import { safeBindHost } from '../../server/bindHost';
import { RateLimiter } from '../../server/security/rateLimiter';

describe('API keys', () => {
  it('parses CAIRN_API_KEYS, keeping only hashes, and names a bad entry without echoing secrets', () => {
    const keys = parseEnvApiKeys('viewer:0123456789abcdef, admin:fedcba9876543210');
    expect(keys).toEqual([
      { role: 'viewer', sha256: hashKey('0123456789abcdef') },
      { role: 'admin', sha256: hashKey('fedcba9876543210') },
    ]);
    expect(() => parseEnvApiKeys('root:0123456789abcdef')).toThrow('entry 1: expected role:key with role one of viewer, operator, admin');
    expect(() => parseEnvApiKeys('viewer:short')).toThrow('entry 1 (viewer): a key must be at least 16 characters');
    expect(() => parseConfig({ CAIRN_API_KEYS: 'viewer:short-secret' })).toThrow('CAIRN_API_KEYS=(hidden): entry 1 (viewer)');
  });

  it('orders roles and compares hashes', () => {
    expect(roleAllows('admin', 'operator')).toBe(true);
    expect(roleAllows('viewer', 'operator')).toBe(false);
    expect(sameHash(hashKey('a'), hashKey('a'))).toBe(true);
    expect(sameHash(hashKey('a'), hashKey('b'))).toBe(false);
    expect(sameHash(hashKey('a'), 'abcd')).toBe(false);
  });
});

describe('binding without keys', () => {
  it('keeps an open API on loopback, and listens where asked once keys exist', () => {
    expect(safeBindHost('0.0.0.0', 0)).toBe('127.0.0.1');
    expect(safeBindHost('127.0.0.1', 0)).toBe('127.0.0.1');
    expect(safeBindHost('0.0.0.0', 1)).toBe('0.0.0.0');
  });
});

describe('the rate limiter', () => {
  it('allows perMinute requests at once, then refills over time, per client', () => {
    const limiter = new RateLimiter(60);
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(limiter.take('a', t0)).toBe(0);
    expect(limiter.take('a', t0)).toBe(1); // one more token after a second
    expect(limiter.take('b', t0)).toBe(0); // another client has its own bucket
    expect(limiter.take('a', t0 + 1_000)).toBe(0);
  });
});

describe('secrets never echoed', () => {
  it('redacts the password of a URL, in config errors and in free text', () => {
    expect(redactUrl('postgres://cairn:s3cret@db:5432/cairn')).toBe('postgres://cairn:***@db:5432/cairn');
    expect(redactUrl('https://example.org/data.csv')).toBe('https://example.org/data.csv');
    expect(redactUrl('postgres://u:p@@not a url')).toBe('postgres://u:***@@not a url');
    expect(redactUrlsIn("connect ECONNREFUSED for 'http://alice:hunter2@10.0.0.1/x' now")).toBe("connect ECONNREFUSED for 'http://alice:***@10.0.0.1/x' now");
    expect(() => parseConfig({ DATABASE_URL: 'mysql://cairn:s3cret@db/cairn' })).toThrow('DATABASE_URL="mysql://cairn:***@db/cairn"');
    try {
      parseConfig({ DATABASE_URL: 'mysql://cairn:s3cret@db/cairn' });
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret');
    }
  });
});

describe('addresses a URL source may not reach', () => {
  it('classifies every special-purpose range, in every form, as not public (IANA registries)', () => {
    const notPublic = [
      '127.0.0.1', '10.1.2.3', '172.31.255.255', '192.168.1.1', '100.64.0.1', '169.254.169.254', '0.0.0.0', '192.0.0.8',
      '192.0.2.1', '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1',
      '255.255.255.255', '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a00:1', '64:ff9b::7f00:1', '64:ff9b:1::1',
      '100::1', '2001::1', '2001:db8::1', '2002:7f00:1::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe90::1', 'febf::1', 'fec0::1', 'ff02::1',
      'not-an-address',
    ];
    for (const address of notPublic) expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    for (const address of ['8.8.8.8', '1.1.1.1', '151.101.1.69', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
    }
  });
});
