import { describeIssues } from '../lib/dsl/compile';
import { errorBody } from './httpErrors';
import type { RouteDef } from './routeDef';

/** The key a route is known by in a coverage set: `GET /api/v1/runs/:runId`. */
export const routeKey = (route: Pick<RouteDef, 'method' | 'path'>) => `${route.method} ${route.path}`;

/**
 * For tests: checks a success answer against what its route declares (the JSON body against the
 * `response` schema, the content type of a text answer) and records the route in `verified`. A
 * mismatch becomes a 500 naming each difference, so no test can pass over it.
 */
export async function verifyResponse(route: RouteDef, response: Response, verified: Set<string>): Promise<Response> {
  if (!response.ok) return response;
  const contentType = response.headers.get('content-type') ?? '';
  let problems: string[] = [];
  if (route.response) {
    const parsed = route.response.safeParse(contentType.startsWith('application/json') ? await response.clone().json() : undefined);
    if (!parsed.success) problems = describeIssues(parsed.error).map((issue) => `${issue.path || '(root)'}: ${issue.message}`);
  } else if (!contentType.startsWith(route.contentType ?? '(none declared)')) {
    problems = [`content type ${contentType || '(none)'} is not the declared ${route.contentType ?? '(none declared)'}`];
  }
  if (!(response.status in route.responses)) problems.push(`status ${response.status} is not one the route declares`);
  if (problems.length > 0) {
    return Response.json(errorBody('response_mismatch', `${routeKey(route)} answered what it does not declare`, problems), { status: 500 });
  }
  verified.add(routeKey(route));
  return response;
}
