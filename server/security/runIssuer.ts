import type { Context } from 'hono';
import type { Starter } from '../../lib/auth/runAuthority';
import type { RunIssuer } from '../../lib/runs/startRun';
import type { AppDeps } from '../deps';
import type { AppEnv } from './middleware';

/** Who is calling, as a run's starter: the key and its role (`local` with no keys: this machine, as admin). */
export function starterOf(c: Context<AppEnv>): Starter {
  const keyId = c.get('apiKeyId');
  return { principal: keyId === 'anonymous' ? 'local (no API keys)' : `key:${keyId}`, role: c.get('apiRole') };
}

/** The caller as the issuer of the runs this request starts, signed with the deployment's spec secret. */
export function issuerOf(c: Context<AppEnv>, deps: AppDeps): RunIssuer {
  return { startedBy: starterOf(c), specSecret: deps.security?.specSecret };
}
