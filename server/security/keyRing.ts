import { sameHash, hashKey, type ApiRole, type EnvApiKey } from '../../lib/auth/apiKeys';
import { listApiKeys } from '../../lib/store/apiKeysTable';
import type { Store } from '../../lib/store/openStore';

interface KnownKey {
  id: string;
  role: ApiRole;
  sha256: string;
}

/**
 * Every API key the server accepts: those from CAIRN_API_KEYS and those created with
 * `cairn keys create` (read from the store, cached for a few seconds so a new or revoked key
 * takes effect quickly without a query per request).
 */
export class KeyRing {
  private cache: { at: number; keys: KnownKey[] } | undefined;

  constructor(
    private readonly envKeys: EnvApiKey[],
    private readonly store: Store | undefined,
    private readonly cacheMs = 5_000,
  ) {}

  async keys(): Promise<KnownKey[]> {
    const fromEnv = this.envKeys.map((k, i) => ({ id: `env-${i + 1}`, role: k.role, sha256: k.sha256 }));
    if (!this.store) return fromEnv;
    if (!this.cache || Date.now() - this.cache.at > this.cacheMs) {
      const stored = await listApiKeys(this.store.pool);
      this.cache = { at: Date.now(), keys: stored.map((k) => ({ id: k.id, role: k.role, sha256: k.sha256 })) };
    }
    return [...fromEnv, ...this.cache.keys];
  }

  /** The key's id and role among `keys`, or undefined for a key nobody issued. Compares every hash in constant time. */
  identify(presented: string, keys: KnownKey[]): { id: string; role: ApiRole } | undefined {
    const hash = hashKey(presented);
    let found: KnownKey | undefined;
    for (const key of keys) if (sameHash(key.sha256, hash)) found = key;
    return found && { id: found.id, role: found.role };
  }

  /** Forget the cached store keys (after creating or revoking one). */
  invalidate(): void {
    this.cache = undefined;
  }
}
