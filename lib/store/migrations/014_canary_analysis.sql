-- What a canary analysis compares: each prediction's server time, predictions that failed, and what a
-- shadow version answered for the same requests (logged off the request path, never served).
ALTER TABLE prediction_log ADD COLUMN IF NOT EXISTS latency_ms real;

CREATE TABLE prediction_errors (
  id          bigserial PRIMARY KEY,
  model       text NOT NULL,
  version     integer NOT NULL,
  alias       text,
  request_id  text NOT NULL,
  instances   integer NOT NULL,
  message     text NOT NULL,
  failed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prediction_errors_recent ON prediction_errors (model, failed_at);

CREATE TABLE shadow_predictions (
  model         text NOT NULL,
  version       integer NOT NULL,
  request_id    text NOT NULL,
  item          integer NOT NULL,
  prediction    jsonb NOT NULL,
  latency_ms    real,
  predicted_at  timestamptz NOT NULL,
  PRIMARY KEY (model, request_id, item, version)
);
CREATE INDEX shadow_predictions_recent ON shadow_predictions (model, version, predicted_at);

-- A canary analysis (a canaryAnalysis workflow) and every decision it took, stage by stage.
CREATE TABLE canary_analyses (
  id          text PRIMARY KEY,
  model       text NOT NULL,
  candidate   integer NOT NULL,
  baseline    integer NOT NULL,
  policy      jsonb NOT NULL,
  status      text NOT NULL CHECK (status IN ('running', 'promoted', 'rolled-back')),
  reason      text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  ended_at    timestamptz
);
CREATE INDEX canary_analyses_latest ON canary_analyses (model, started_at DESC);

CREATE TABLE canary_decisions (
  id           bigserial PRIMARY KEY,
  analysis_id  text NOT NULL REFERENCES canary_analyses (id),
  -- The workflow's name for the decision (stage and look), so a retried activity records it once.
  key          text NOT NULL,
  stage        integer NOT NULL,
  weight       double precision NOT NULL,
  decision     text NOT NULL CHECK (decision IN ('start', 'wait', 'next-stage', 'promote', 'rollback')),
  reason       text NOT NULL,
  evidence     jsonb,
  decided_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (analysis_id, key)
);
