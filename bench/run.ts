/** `npm run bench -- <name>`: runs one benchmark; it prints its figures and ends with `RESULT <name> key=value ...`. */
import { apiDuringTraining } from './apiDuringTraining';
import { boostedTrees } from './boostedTrees';
import { cliStart } from './cliStart';
import { drift } from './drift';
import { experiments } from './experiments';
import { ingest } from './ingest';
import { logisticTraining } from './logisticTraining';
import { map } from './map';
import { pages } from './pages';
import { peers } from './peers';
import { predict } from './predict';
import { scale } from './scale';
import { stepOverhead } from './stepOverhead';
import { stepCache } from './stepCache';
import { trainerAccuracy } from './trainerAccuracy';
import { validation } from './validation';
import { workerStart } from './workerStart';
import { writeDataset } from './writeDataset';

const BENCHMARKS: Record<string, () => Promise<string>> = {
  'step-overhead': stepOverhead,
  validation,
  ingest,
  'logistic-training': logisticTraining,
  'boosted-trees': boostedTrees,
  'api-during-training': apiDuringTraining,
  drift,
  predict,
  'cli-start': cliStart,
  'worker-start': workerStart,
  scale,
  peers,
  pages,
  experiments,
  'step-cache': stepCache,
  map,
  'trainer-accuracy': trainerAccuracy,
  'write-dataset': writeDataset,
};

const name = process.argv[2];
const bench = name ? BENCHMARKS[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <name>; benchmarks: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
const figures = await bench();
console.log(`RESULT ${name} ${figures}`);
