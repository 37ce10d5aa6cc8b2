#!/usr/bin/env node
// The installed `cairn` binary. It runs the compiled build (dist/main.js, made by `npm run build`,
// part of `npm run setup`, shipped in the npm package): about 0.2 s to start, where running the
// TypeScript sources through tsx costs 0.5 s. In a checkout whose sources changed since the build,
// it runs the sources through tsx instead, so a stale build is never run.
import { URL } from 'node:url';
import { freshBundle } from '../lib/freshBundle.js';

const bundle = freshBundle(new URL('../dist/', import.meta.url), new URL('../', import.meta.url));
if (bundle) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
