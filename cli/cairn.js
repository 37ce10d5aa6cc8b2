#!/usr/bin/env node
// The installed `cairn` binary. A command runs from the prebuilt bundle (dist-cli/, made by
// `npm run build:cli`, part of `npm run setup`) when it is up to date: about 0.2 s to start, where
// running the TypeScript sources through tsx costs 0.5 s. `cairn dev` and `cairn demo` start workers,
// whose workflow code the Temporal SDK bundles from the sources, so they run from the sources, as
// does every command while the bundle is missing or older than a source it was built from.
import process from 'node:process';
import { URL } from 'node:url';
import { freshBundle } from '../lib/freshBundle.js';

const FROM_SOURCES = new Set(['dev', 'demo']);
const bundle = process.argv.slice(2).some((arg) => FROM_SOURCES.has(arg)) ? undefined : freshBundle(new URL('../dist-cli/', import.meta.url), new URL('../', import.meta.url));
if (bundle) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
