import { Hono } from 'hono';
import type { AppDeps } from './deps';
import { errorBody, handleError } from './httpErrors';
import { healthRoutes } from './routes/health';
import { pipelineRoutes } from './routes/pipelines';
import { eventRoutes } from './routes/events';
import { runRoutes } from './routes/runs';
import { scheduleRoutes } from './routes/schedules';

/** The HTTP API: one router per resource. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.route('/', healthRoutes(deps));
  app.route('/api/v1/pipelines', pipelineRoutes(deps));
  app.route('/api/v1/runs', runRoutes(deps));
  app.route('/api/v1/schedules', scheduleRoutes(deps));
  app.route('/api/v1/events', eventRoutes(deps));
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
