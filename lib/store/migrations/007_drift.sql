-- Drift reports of served models, and the retrains drift started (one per model per cooldown).
CREATE TABLE drift_reports (
  id                 bigserial PRIMARY KEY,
  model              text NOT NULL,
  version            integer NOT NULL,
  alias              text NOT NULL,
  reference_dataset  text NOT NULL,
  reference_rows     integer NOT NULL,
  current_rows       integer NOT NULL,
  window_start       timestamptz,
  window_end         timestamptz,
  drifted            boolean NOT NULL,
  report             jsonb NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drift_reports_latest ON drift_reports (model, id DESC);

CREATE TABLE drift_retrains (
  id           bigserial PRIMARY KEY,
  model        text NOT NULL,
  pipeline     text NOT NULL,
  workflow_id  text NOT NULL UNIQUE,
  report_id    bigint NOT NULL REFERENCES drift_reports (id),
  started_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drift_retrains_latest ON drift_retrains (model, started_at DESC);
