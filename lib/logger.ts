import pino from 'pino';
import { config } from './config';

/** Structured JSON logs for every Cairn process. */
export const logger = pino({ level: config().LOG_LEVEL, base: { service: 'cairn' } });
