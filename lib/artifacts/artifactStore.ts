import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DataError } from '../errors';
import { artifactUri, shaOfUri, type ArtifactRef } from './artifactRef';

const SHA256 = /^[0-9a-f]{64}$/;

/** The reference the store gives these bytes (named by their sha256), whether or not they are stored yet. */
export function refOfBytes(bytes: Uint8Array, mediaType: string): ArtifactRef {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { uri: artifactUri(sha256), sha256, size: bytes.byteLength, mediaType };
}

/**
 * A content-addressed file store: an artifact's name is the sha256 of its bytes, so writes are
 * idempotent (an activity that runs twice writes the same file) and names never come from user
 * input. Writes go to a temp file that is fsynced and renamed into place; reads verify the hash.
 */
export class ArtifactStore {
  constructor(readonly root: string) {}

  /** Where an artifact lives; only ever built from a checked hash. */
  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new DataError(`'${sha256}' is not a sha256 hash`);
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async put(bytes: Uint8Array, mediaType: string): Promise<ArtifactRef> {
    const ref = refOfBytes(bytes, mediaType);
    const { sha256 } = ref;
    if (await this.exists(sha256, bytes.byteLength)) return ref;
    const temp = await this.tempPath();
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await this.moveIntoPlace(temp, sha256);
    return ref;
  }

  /** Copies a file in (streaming, so size is not bound by memory), hashing as it goes. */
  async putFile(source: string, mediaType: string): Promise<ArtifactRef> {
    const temp = await this.tempPath();
    const hash = createHash('sha256');
    let size = 0;
    const file = await open(temp, 'wx');
    try {
      for await (const chunk of createReadStream(source) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.byteLength;
        let written = 0;
        while (written < chunk.byteLength) written += (await file.write(chunk, written)).bytesWritten;
      }
      await file.sync();
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    } finally {
      await file.close();
    }
    const sha256 = hash.digest('hex');
    if (await this.exists(sha256, size)) await rm(temp, { force: true });
    else await this.moveIntoPlace(temp, sha256);
    return { uri: artifactUri(sha256), sha256, size, mediaType };
  }

  /** The artifact's bytes, after checking they still hash to its name (a tampered file is a DataError). */
  async read(refOrUri: Pick<ArtifactRef, 'uri'> | string): Promise<Buffer> {
    const sha256 = this.shaOf(refOrUri);
    const bytes = await readFile(this.pathOf(sha256)).catch((error: NodeJS.ErrnoException) => this.missing(sha256, error));
    this.checkHash(sha256, createHash('sha256').update(bytes).digest('hex'));
    return bytes;
  }

  /** A verified path to the artifact, for readers that open files themselves (e.g. DuckDB). */
  async verifiedPath(refOrUri: Pick<ArtifactRef, 'uri'> | string): Promise<string> {
    const sha256 = this.shaOf(refOrUri);
    const path = this.pathOf(sha256);
    const hash = createHash('sha256');
    await pipeline(createReadStream(path), hash).catch((error: NodeJS.ErrnoException) => this.missing(sha256, error));
    this.checkHash(sha256, hash.digest('hex'));
    return path;
  }

  private missing(sha256: string, error: NodeJS.ErrnoException): never {
    if (error.code === 'ENOENT') throw new DataError(`artifact ${artifactUri(sha256)} is not in the store at ${this.root}`);
    throw error;
  }

  private checkHash(sha256: string, actual: string): void {
    if (actual !== sha256) throw new DataError(`artifact ${artifactUri(sha256)} is corrupt: its bytes hash to ${actual}`);
  }

  private shaOf(refOrUri: Pick<ArtifactRef, 'uri'> | string): string {
    const uri = typeof refOrUri === 'string' ? refOrUri : refOrUri.uri;
    const sha256 = shaOfUri(uri);
    if (!sha256) throw new DataError(`'${uri}' is not an artifact reference (cas://sha256/<hex>)`);
    return sha256;
  }

  private async exists(sha256: string, size: number): Promise<boolean> {
    const info = await stat(this.pathOf(sha256)).catch(() => undefined);
    return info?.isFile() === true && info.size === size;
  }

  private async tempPath(): Promise<string> {
    const dir = join(this.root, 'tmp');
    await mkdir(dir, { recursive: true });
    return join(dir, `${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  private async moveIntoPlace(temp: string, sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    await mkdir(join(this.root, 'sha256', sha256.slice(0, 2)), { recursive: true });
    // rename is atomic: readers see the whole file or none; a concurrent writer of the same bytes is harmless.
    await rename(temp, target);
  }
}
