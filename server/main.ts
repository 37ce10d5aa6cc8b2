/** The API process: `npm run server` (`cairn server` runs the same). */
import { runMain } from '../lib/runMain';
import { serveApi } from './serveApi';

runMain(serveApi, { exitWhenDone: true });
