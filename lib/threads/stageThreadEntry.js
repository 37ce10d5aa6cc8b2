// A stage thread started from the TypeScript sources (a checkout, the tests): the thread has no
// TypeScript loader of its own, so it registers tsx before loading stageThread.ts. The compiled
// build starts dist/stage-thread.js instead (scripts/build.ts).
import { register } from 'tsx/esm/api';

register();
await import('./stageThread.ts');
