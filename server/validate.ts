import type { Context } from 'hono';
import type { z } from 'zod';
import { describeIssues } from '../lib/dsl/compile';
import { HttpError } from './httpErrors';
import { readBody } from './readBody';

/** Parses a JSON body (an empty body counts as `{}`) with a zod schema: 413 over maxBytes, 400 for bad JSON, 422 naming each bad field. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S, maxBytes: number): Promise<z.output<S>> {
  const text = await readBody(c, maxBytes);
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'invalid_json', 'request body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HttpError(422, 'invalid_body', 'request body is invalid', describeIssues(parsed.error));
  return parsed.data;
}
