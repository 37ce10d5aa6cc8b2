import pino from 'pino';
import { config, stdoutIsTerminal } from './config';
import { humanLogLine } from './humanLogLines';
import { warnUnknownVariablesOnce } from './unknownVariables';

const cfg = config();
/** Lines a person reads on a terminal (or when LOG_FORMAT=human); JSON otherwise, for log collectors. */
const human = cfg.LOG_FORMAT === 'human' || (cfg.LOG_FORMAT === 'auto' && stdoutIsTerminal(cfg));

/** Structured logs for every Cairn process. */
export const logger = pino({ level: cfg.LOG_LEVEL, base: { service: 'cairn' } }, human ? { write: (line: string) => void process.stdout.write(humanLogLine(line)) } : undefined);

// A server or worker started without the CLI says here what the CLI says on stderr: a misspelt
// setting (CAIRN_DATA_ROOT) that would otherwise be ignored without a word.
warnUnknownVariablesOnce((line) => logger.warn(line));
