import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { DataError } from '../../lib/errors';

const store = () => new ArtifactStore(mkdtempSync(join(tmpdir(), 'cairn-cas-')));
const HELLO_SHA = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

describe('the content-addressed artifact store', () => {
  it('names an artifact by the sha256 of its bytes and reads it back', async () => {
    const cas = store();
    const ref = await cas.put(Buffer.from('hello'), 'text/plain');
    expect(ref).toEqual({ uri: `cas://sha256/${HELLO_SHA}`, sha256: HELLO_SHA, size: 5, mediaType: 'text/plain' });
    expect((await cas.read(ref)).toString()).toBe('hello');
    expect(await cas.put(Buffer.from('hello'), 'text/plain')).toEqual(ref); // idempotent
    expect(readdirSync(join(cas.root, 'tmp'))).toEqual([]); // no temp file left behind
  });

  it('streams a file in and gives the same reference as put()', async () => {
    const cas = store();
    const source = join(cas.root, 'source.csv');
    const body = 'a,b\n'.repeat(100_000);
    writeFileSync(source, body);
    const ref = await cas.putFile(source, 'text/csv');
    expect(ref).toEqual(await cas.put(Buffer.from(body), 'text/csv'));
    expect(await cas.verifiedPath(ref)).toBe(cas.pathOf(ref.sha256));
  });

  it('detects a tampered artifact', async () => {
    const cas = store();
    const ref = await cas.put(Buffer.from('hello'), 'text/plain');
    writeFileSync(cas.pathOf(ref.sha256), 'jello');
    await expect(cas.read(ref)).rejects.toThrow(DataError);
    await expect(cas.read(ref)).rejects.toThrow(/is corrupt: its bytes hash to /);
    await expect(cas.verifiedPath(ref)).rejects.toThrow(/is corrupt/);
  });

  it('refuses references that are not cas://sha256/<hex>, so no path can escape the root', async () => {
    const cas = store();
    for (const uri of ['cas://sha256/../../etc/passwd', '/etc/passwd', `cas://sha256/${'A'.repeat(64)}`, `file:///${'a'.repeat(64)}`]) {
      await expect(cas.read(uri)).rejects.toThrow(/is not an artifact reference/);
    }
    expect(() => cas.pathOf('../x')).toThrow(/is not a sha256 hash/);
    await expect(cas.read(`cas://sha256/${'b'.repeat(64)}`)).rejects.toThrow(/is not in the store/);
  });

  it('survives concurrent writers of the same bytes', async () => {
    const cas = store();
    const bytes = Buffer.alloc(1_000_000, 7);
    const refs = await Promise.all(Array.from({ length: 8 }, () => cas.put(bytes, 'application/octet-stream')));
    expect(new Set(refs.map((r) => r.uri)).size).toBe(1);
    expect((await cas.read(refs[0]!)).equals(bytes)).toBe(true);
  });
});
