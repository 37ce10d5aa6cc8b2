/**
 * Prints the README's API reference table from the route definitions the app serves
 * (`npm run api-reference`); a test fails when the README misses a route.
 */
import { apiRoutes } from '../server/app';
import type { AppDeps } from '../server/deps';
import { KeyRing } from '../server/security/keyRing';

const deps = { registry: { pipelines: new Map(), steps: new Map() }, taskQueue: 'x', temporalUiUrl: null } as unknown as AppDeps;
console.log('| route | role | what it does | answers |');
console.log('|---|---|---|---|');
for (const route of apiRoutes(deps, new KeyRing([], undefined))) {
  const answers = Object.entries(route.responses)
    .map(([status, description]) => `${status} ${description}`)
    .join('; ');
  console.log(`| \`${route.method} ${route.path}\` | ${route.access}${route.rateLimited ? ', rate-limited' : ''} | ${route.summary} | ${answers} |`);
}
