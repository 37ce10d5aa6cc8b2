import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** viewer < operator < admin: a role may do what every lower role may. */
export function roleAllows(held: ApiRole, needed: ApiRole): boolean {
  return API_ROLES.indexOf(held) >= API_ROLES.indexOf(needed);
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time, so a wrong key leaks nothing through timing. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A new key: `cairn_` and 32 random bytes, base64url. */
export function newApiKey(): { id: string; key: string } {
  return { id: randomBytes(8).toString('hex'), key: `cairn_${randomBytes(32).toString('base64url')}` };
}

export interface EnvApiKey {
  role: ApiRole;
  sha256: string;
}

/** Parses CAIRN_API_KEYS (`role:key,role:key`); throws a message naming the bad entry. */
export function parseEnvApiKeys(text: string): EnvApiKey[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const colon = entry.indexOf(':');
      const role = entry.slice(0, colon) as ApiRole;
      const key = entry.slice(colon + 1);
      if (colon <= 0 || !API_ROLES.includes(role)) throw new Error(`entry ${index + 1}: expected role:key with role one of ${API_ROLES.join(', ')}`);
      if (key.length < 16) throw new Error(`entry ${index + 1} (${role}): a key must be at least 16 characters`);
      return { role, sha256: hashKey(key) };
    });
}
