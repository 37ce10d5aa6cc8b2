import client from 'prom-client';

/**
 * Cairn's Prometheus metrics, in prom-client's default registry: the API serves them at /metrics,
 * a standalone worker on CAIRN_WORKER_METRICS_PORT. Labels are bounded: pipeline, step, trigger and
 * outcome come from definitions/, never from request data.
 */
export const registry = client.register;

// Node's own process metrics (CPU, memory, event-loop lag, GC) on every Cairn process, once per process.
if (!registry.getSingleMetric('process_cpu_user_seconds_total')) client.collectDefaultMetrics({ register: registry });

export const runsStarted = new client.Counter({
  name: 'cairn_runs_started_total',
  help: 'Pipeline runs started, by pipeline and trigger',
  labelNames: ['pipeline', 'trigger'] as const,
});

export const runsFinished = new client.Counter({
  name: 'cairn_runs_finished_total',
  help: 'Pipeline runs finished, by pipeline, trigger and outcome',
  labelNames: ['pipeline', 'trigger', 'outcome'] as const,
});

export const stepDuration = new client.Histogram({
  name: 'cairn_step_duration_seconds',
  help: 'Duration of one step execution (one attempt), by pipeline, step, activity and outcome',
  labelNames: ['pipeline', 'step', 'activity', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200],
});

export const stepRetries = new client.Counter({
  name: 'cairn_step_retries_total',
  help: 'Step executions that were a retry (Temporal attempt > 1), by pipeline and step',
  labelNames: ['pipeline', 'step'] as const,
});

export const httpRequests = new client.Histogram({
  name: 'cairn_http_request_duration_seconds',
  help: 'API requests, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
});

export const predictions = new client.Counter({
  name: 'cairn_predictions_total',
  help: 'Instances predicted, by model, version and alias (alias "" for a pinned version)',
  labelNames: ['model', 'version', 'alias'] as const,
});

export const predictionDuration = new client.Histogram({
  name: 'cairn_prediction_duration_seconds',
  help: 'Server time of one prediction request, by model, version and alias',
  labelNames: ['model', 'version', 'alias'] as const,
  buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5],
});

export const predictionLogWritten = new client.Counter({
  name: 'cairn_prediction_log_written_total',
  help: 'Served predictions written to the prediction log',
});

export const shadowPredictionsDropped = new client.Counter({
  name: 'cairn_shadow_predictions_dropped_total',
  help: 'Shadow predictions not logged because the buffer was full (PostgreSQL slow or down); no answer is affected',
});

export const shadowPredictionFailures = new client.Counter({
  name: 'cairn_shadow_prediction_failures_total',
  help: 'Requests a shadow version could not predict (the answer, from the served version, is not affected)',
  labelNames: ['model', 'version'],
});

export const predictionLogDropped = new client.Counter({
  name: 'cairn_prediction_log_dropped_total',
  help: 'Prediction rows refused (the request answered 503) because the log buffer was full (PostgreSQL slow or down)',
});

export const servedFromMemory = new client.Counter({
  name: 'cairn_serving_alias_from_memory_total',
  help: 'Alias re-reads that failed (metadata store unreachable) while serving went on with the alias last read',
});
