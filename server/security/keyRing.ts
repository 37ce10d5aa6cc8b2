import { sameHash, hashKey, type ApiRole, type EnvApiKey } from '../../lib/auth/apiKeys';
import { logger } from '../../lib/logger';
import { freshOrHeld } from '../../lib/faults/staleAfter';
import { listApiKeys } from '../../lib/store/apiKeysTable';
import type { Store } from '../../lib/store/openStore';

interface KnownKey {
  id: string;
  role: ApiRole;
  sha256: string;
}

/**
 * Every API key the server accepts: those from CAIRN_API_KEYS (never need the store) and those
 * created with `cairn keys create` (read from the store, cached for a few seconds so a new or revoked
 * key takes effect quickly without a query per request). When the store does not answer, the last
 * set read stays accepted for `staleMs`, so an outage of the database does not lock every key out;
 * past that, or with nothing read yet, only the environment's keys are accepted.
 */
export class KeyRing {
  private cache: { at: number; keys: KnownKey[] } | undefined;
  private readonly fromEnv: KnownKey[];
  /** Set while the store is unreachable, so an outage is logged once, not on every request. */
  private unreachableSince: number | undefined;
  private refreshing: Promise<{ keys: KnownKey[]; complete: boolean }> | undefined;

  constructor(
    envKeys: EnvApiKey[],
    private readonly store: Store | undefined,
    private readonly options: { cacheMs?: number; staleMs?: number } = {},
  ) {
    this.fromEnv = envKeys.map((k, i) => ({ id: `env-${i + 1}`, role: k.role, sha256: k.sha256 }));
  }

  /**
   * The keys to check a request against. `complete` is false when the stored keys could not be read
   * (store down, nothing usable in memory): a key not among these may still be a valid one, and no key
   * at all may not mean an open API, so the caller must answer 503 rather than 401 or anonymous access.
   */
  async keys(): Promise<{ keys: KnownKey[]; complete: boolean }> {
    if (!this.store) return { keys: this.fromEnv, complete: true };
    const staleMs = this.options.staleMs ?? 15 * 60_000;
    const age = this.cache ? Date.now() - this.cache.at : Number.POSITIVE_INFINITY;
    if (age <= (this.options.cacheMs ?? 5_000)) return this.known();
    if (age > staleMs) return this.read(staleMs);
    // Known keys are re-read, but a request waits at most STALE_AFTER_MS for a slow or frozen store
    // before it is checked against the keys last read (the re-read goes on in the background).
    this.refreshing ??= this.read(staleMs).finally(() => (this.refreshing = undefined));
    return freshOrHeld(this.refreshing, this.known());
  }

  /** The environment's keys and the stored ones last read. */
  private known(): { keys: KnownKey[]; complete: boolean } {
    return { keys: [...this.fromEnv, ...(this.cache?.keys ?? [])], complete: true };
  }

  /** Reads the stored keys; on failure, the last set while it is within `staleMs`, else an incomplete set. */
  private async read(staleMs: number): Promise<{ keys: KnownKey[]; complete: boolean }> {
    try {
      const stored = await listApiKeys((this.store as Store).pool);
      this.cache = { at: Date.now(), keys: stored.map((k) => ({ id: k.id, role: k.role, sha256: k.sha256 })) };
      if (this.unreachableSince !== undefined) logger.info({ downMs: Date.now() - this.unreachableSince }, 'store reachable again: stored API keys re-read');
      this.unreachableSince = undefined;
    } catch (error) {
      const usable = this.cache !== undefined && Date.now() - this.cache.at <= staleMs;
      if (this.unreachableSince === undefined) {
        this.unreachableSince = Date.now();
        logger.warn({ err: error, staleForMs: staleMs }, usable ? 'store unreachable: accepting the stored API keys last read, for a while' : 'store unreachable: only CAIRN_API_KEYS are accepted');
      }
      if (!usable) return { keys: this.fromEnv, complete: false };
    }
    return this.known();
  }

  /** Whether CAIRN_API_KEYS holds an admin key (one that no revocation through the API can remove). */
  hasEnvironmentAdmin(): boolean {
    return this.fromEnv.some((key) => key.role === 'admin');
  }

  /** The identity of `presented` if it is one of CAIRN_API_KEYS (checked first: it needs no store). */
  identifyFromEnv(presented: string): { id: string; role: ApiRole } | undefined {
    return this.fromEnv.length > 0 ? this.identify(presented, this.fromEnv) : undefined;
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
