import type { Pool } from 'pg';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { artifactUri } from '../artifacts/artifactRef';
import { loadModel, type ServableModel } from '../ml/servableModel';
import { aliasTarget } from '../registry/aliases';
import { getVersion } from '../registry/registry';
import { freshOrHeld } from '../faults/staleAfter';
import { servedFromMemory } from '../metrics/metrics';
import { CANARY_ALIAS, stableBucket } from './trafficSplit';

const NO_ALIAS: AliasEntry = { version: undefined, sha256: undefined, weight: null, at: 0 };

export interface AliasEntry {
  version: number | undefined;
  sha256: string | undefined;
  weight: number | null;
  at: number;
}

export interface ServedModel {
  model: string;
  version: number;
  alias: string | null;
  servable: ServableModel;
}

/**
 * Finds the model a prediction request means. Loaded models (documents, ONNX sessions) are cached by
 * content hash for good (they never change), and so are pinned versions; which version an alias points at is re-read after
 * `aliasTtlMs`, so an alias move reaches every API process within that time, without a restart.
 * When the store does not answer, serving goes on with what is known (the last alias read, however
 * old): a PostgreSQL outage narrows serving to the models already served, it does not stop it.
 */
export class ModelCache {
  private readonly models = new Map<string, Promise<ServableModel>>();
  private readonly aliases = new Map<string, AliasEntry>();
  private readonly versions = new Map<string, string | undefined>();
  private readonly refreshing = new Map<string, Promise<AliasEntry>>();

  constructor(
    private readonly pool: Pool,
    private readonly artifacts: ArtifactStore,
    private readonly aliasTtlMs = 2_000,
  ) {}

  /**
   * The version a request means: `version` pins one; `alias` names one; neither means production,
   * except for the share of routing keys a weighted canary alias takes.
   */
  async resolve(model: string, selector: { version?: number; alias?: string; routingKey?: string }): Promise<ServedModel | undefined> {
    let version: number | undefined;
    let sha256: string | undefined;
    let alias: string | null = null;
    if (selector.version !== undefined) {
      version = selector.version;
      sha256 = await this.versionSha(model, selector.version);
    } else {
      alias = selector.alias ?? 'production';
      if (!selector.alias && selector.routingKey !== undefined) {
        // A canary that cannot be looked up (store down, never read) takes no traffic: production serves.
        const canary = await this.aliasEntry(model, CANARY_ALIAS).catch(() => NO_ALIAS);
        if (canary.version !== undefined && canary.weight && stableBucket(`${model}\u0000${selector.routingKey}`) < canary.weight) alias = CANARY_ALIAS;
      }
      ({ version, sha256 } = await this.aliasEntry(model, alias));
    }
    if (version === undefined || sha256 === undefined) return undefined;
    let loading = this.models.get(sha256);
    if (!loading) {
      // One load per model however many requests arrive at once; a failed load is tried again next time.
      loading = loadModel(this.artifacts, artifactUri(sha256));
      this.models.set(sha256, loading);
      loading.catch(() => this.models.delete(sha256));
    }
    return { model, version, alias, servable: await loading };
  }

  /** Drops what is known of an alias, so the next request reads it again (an alias-move notification). */
  forget(model: string, alias: string): void {
    this.aliases.delete(`${model}\u0000${alias}`);
  }

  /** A version's model hash: versions never change, so what was read once (even "no such version") holds. */
  private async versionSha(model: string, version: number): Promise<string | undefined> {
    const key = `${model}\u0000${version}`;
    if (this.versions.has(key)) return this.versions.get(key);
    const found = await getVersion(this.pool, model, version);
    if (found) this.versions.set(key, found.modelSha256);
    return found?.modelSha256;
  }

  /**
   * What an alias points at. A fresh entry is used as is; an expired one is re-read, and if the store
   * has not answered within STALE_AFTER_MS, 250 ms (slow, frozen or down) the entry is used as it was while
   * the re-read goes on: a request never waits long on the store for something it already knows.
   * With nothing known, the request waits for the read.
   */
  private async aliasEntry(model: string, alias: string): Promise<AliasEntry> {
    const key = `${model}\u0000${alias}`;
    const cached = this.aliases.get(key);
    if (cached && Date.now() - cached.at <= this.aliasTtlMs) return cached;
    let refresh = this.refreshing.get(key);
    if (!refresh) {
      refresh = this.readAlias(key, model, alias).finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, refresh);
    }
    if (!cached) return refresh;
    return freshOrHeld(refresh, cached, () => servedFromMemory.inc());
  }

  private async readAlias(key: string, model: string, alias: string): Promise<AliasEntry> {
    const target = await aliasTarget(this.pool, model, alias);
    const entry = { version: target?.version, sha256: target?.modelSha256, weight: target?.weight ?? null, at: Date.now() };
    this.aliases.set(key, entry);
    return entry;
  }
}
