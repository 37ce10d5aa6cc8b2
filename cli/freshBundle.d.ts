/** See freshBundle.js: the prebuilt CLI's entry when it is newer than every source it was built from. */
export function freshBundle(dir: URL, root: URL): URL | undefined;
