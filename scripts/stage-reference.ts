/** Prints the built-in stages' config and output fields, from lib/stages, as the README's table. */
import { stageReferenceLines } from '../lib/stages/reference';

process.stdout.write(`${stageReferenceLines().join('\n')}\n`);
