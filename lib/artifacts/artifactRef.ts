import { z } from 'zod';

const URI = /^cas:\/\/sha256\/([0-9a-f]{64})$/;

/** How an artifact travels between steps: by reference, never by value. */
export const ArtifactRefSchema = z.object({
  uri: z.string().regex(URI, 'expected cas://sha256/<64 hex digits>'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  mediaType: z.string().min(1),
}).describe('artifact ref');
export type ArtifactRef = z.infer<typeof ArtifactRefSchema>;

export function artifactUri(sha256: string): string {
  return `cas://sha256/${sha256}`;
}

/** The hash in a `cas://sha256/<hex>` URI; undefined for anything else (so no path can be smuggled in). */
export function shaOfUri(uri: string): string | undefined {
  return URI.exec(uri)?.[1];
}
