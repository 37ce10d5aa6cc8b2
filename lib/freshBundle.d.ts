/** See freshBundle.js: a prebuilt bundle's entry when it is newer than every source it was built from. */
export function freshBundle(dir: URL, root: URL, entryName?: string): URL | undefined;
