import { z } from 'zod';

/**
 * zod's English messages with one kind changed, for every schema Cairn checks (params, configs,
 * request bodies, files): a required field that is absent reads `missing (expected string)`, where
 * zod says `Invalid input: expected string, received undefined`, which reads as if a bad value had
 * been sent. JSON, the CLI and env vars cannot send `undefined`, so an undefined input is an absent
 * one. A schema's own message still wins (zod asks this map only when the schema has none).
 */
z.config({
  customError: (issue) => {
    if (issue.input !== undefined) return undefined;
    if (issue.code === 'invalid_type') return `missing (expected ${issue.expected})`;
    if (issue.code === 'invalid_value') return `missing (expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')})`;
    if (issue.code === 'invalid_union') return 'missing';
    return undefined;
  },
});
