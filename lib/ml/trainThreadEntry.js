// A training thread started from the TypeScript sources (a checkout, the tests): the thread has no
// TypeScript loader of its own, so it registers tsx before loading trainThread.ts. The compiled
// build starts dist/train-thread.js instead (scripts/build.ts).
import { register } from 'tsx/esm/api';

register();
await import('./trainThread.ts');
