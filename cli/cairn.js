#!/usr/bin/env node
// The installed `cairn` binary: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
