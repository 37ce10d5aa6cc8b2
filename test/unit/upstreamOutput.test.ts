/**
 * How a built-in stage finds the upstream output it works on, and what it says when there is none:
 * a step after one that was skipped (a `register` its `when` left out, before a `deploy`) is told
 * which step gave nothing and how to be skipped along with it.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { upstreamEntry } from '../../activities/upstreamOutput';
import { ConfigError } from '../../lib/errors';

const Registered = z.object({ model: z.string(), version: z.number() });
const expected = 'a registered model version (a register output)';

describe('upstreamEntry', () => {
  it('takes the named step, or the first whose output fits', () => {
    const upstream = { score: { accuracy: 0.9 }, register: { model: 'm', version: 3 } };
    expect(upstreamEntry(upstream, Registered, undefined, expected)).toEqual({ step: 'register', output: { model: 'm', version: 3 } });
    expect(upstreamEntry(upstream, Registered, 'register', expected).step).toBe('register');
  });

  it('names a skipped upstream step and the option that skips this one with it', () => {
    const skippedRegister = () => upstreamEntry({ register: null }, Registered, undefined, expected);
    expect(skippedRegister).toThrow(ConfigError);
    expect(skippedRegister).toThrow(
      "no upstream step produced a registered model version (a register output); upstream: register; 'register' gave nothing (skipped, or returned null): to skip this step along with a skipped one, give it whenUpstreamSkipped: 'skip'",
    );
    expect(() => upstreamEntry({ score: { accuracy: 1 }, register: null }, Registered, 'register', expected)).toThrow(/^upstream step 'register' did not produce .*'register' gave nothing/);
  });

  it('says nothing of skipping when every upstream step gave something else', () => {
    expect(() => upstreamEntry({ score: { accuracy: 1 } }, Registered, undefined, expected)).toThrow(/^no upstream step produced a registered model version \(a register output\); upstream: score$/);
  });
});
