import type { Pool } from 'pg';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { artifactUri } from '../artifacts/artifactRef';
import { ModelDocumentSchema, type ModelDocument } from '../ml/model';
import { getVersion, resolveAlias } from '../registry/registry';

export interface ServedModel {
  model: string;
  version: number;
  alias: string | null;
  document: ModelDocument;
}

/**
 * Finds the model a prediction request means. Documents are cached by content hash for good (they
 * never change); which version an alias points at is re-read after `aliasTtlMs`, so an alias move
 * reaches every API process within that time, without a restart.
 */
export class ModelCache {
  private readonly documents = new Map<string, ModelDocument>();
  private readonly aliases = new Map<string, { version: number | undefined; sha256: string | undefined; at: number }>();

  constructor(
    private readonly pool: Pool,
    private readonly artifacts: ArtifactStore,
    private readonly aliasTtlMs = 2_000,
  ) {}

  async resolve(model: string, selector: { version?: number; alias?: string }): Promise<ServedModel | undefined> {
    let version: number | undefined;
    let sha256: string | undefined;
    const alias = selector.version === undefined ? (selector.alias ?? 'production') : null;
    if (alias) {
      const key = `${model}\u0000${alias}`;
      let entry = this.aliases.get(key);
      if (!entry || Date.now() - entry.at > this.aliasTtlMs) {
        const found = await resolveAlias(this.pool, model, alias);
        entry = { version: found?.version, sha256: found?.modelSha256, at: Date.now() };
        this.aliases.set(key, entry);
      }
      ({ version, sha256 } = entry);
    } else {
      const found = await getVersion(this.pool, model, selector.version as number);
      ({ version, modelSha256: sha256 } = found ?? { version: undefined, modelSha256: undefined });
    }
    if (version === undefined || sha256 === undefined) return undefined;
    let document = this.documents.get(sha256);
    if (!document) {
      document = ModelDocumentSchema.parse(JSON.parse((await this.artifacts.read(artifactUri(sha256))).toString()));
      this.documents.set(sha256, document);
    }
    return { model, version, alias, document };
  }
}
