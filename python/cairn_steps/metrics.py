"""The step metrics Cairn's TypeScript workers export (lib/metrics/metrics.ts), under the same names,
labels and buckets, so the Grafana dashboard and the alert rules in deploy/ cover Python steps too."""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

STEP_DURATION = Histogram(
    "cairn_step_duration_seconds",
    "Duration of one step execution (one attempt), by pipeline, step, activity and outcome",
    ["pipeline", "step", "activity", "outcome"],
    buckets=[0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200],
)

STEP_RETRIES = Counter(
    "cairn_step_retries",
    "Step executions that were a retry (Temporal attempt > 1), by pipeline and step",
    ["pipeline", "step"],
)


def serve_metrics(host: str, port: int) -> None:
    """GET /metrics on host:port (CAIRN_WORKER_METRICS_PORT), as the TypeScript workers serve theirs."""
    start_http_server(port, addr=host)
