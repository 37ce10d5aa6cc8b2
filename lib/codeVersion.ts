import { createRequire } from 'node:module';

/** This build of Cairn, recorded in every model version's lineage. */
export const CODE_VERSION: string = `cairn@${(createRequire(import.meta.url)('../package.json') as { version: string }).version}`;
