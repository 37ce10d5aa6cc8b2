import { join } from 'node:path';
import { defineRegistry } from '@cairn-ml/cairn';
import { readingsCheck } from './readingsCheck';

/** Every pipeline this project runs: Cairn loads this module (cairn.config.json names it). */
export const registry = defineRegistry({
  pipelines: [readingsCheck],
  // Ingest may read only under these folders (add more with CAIRN_DATA_ROOTS on the workers).
  dataRoots: [join(import.meta.dirname, '..', 'data')],
});
