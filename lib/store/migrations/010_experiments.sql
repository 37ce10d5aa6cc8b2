-- Every training execution, registered or not: what it was given (params), what it scored (metrics), on
-- which data and with which code, and how long it took. Searched by metric (cairn experiments).
CREATE TABLE experiments (
  id           bigserial PRIMARY KEY,
  run_id       text NOT NULL,
  step         text NOT NULL,
  attempt      integer NOT NULL,
  pipeline     text NOT NULL,
  spec_hash    text NOT NULL,
  activity     text NOT NULL,
  algorithm    text,
  params       jsonb NOT NULL,
  metrics      jsonb NOT NULL,
  dataset_sha256 text,
  code_version text NOT NULL,
  duration_ms  integer NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, step, attempt)
);
CREATE INDEX experiments_by_pipeline ON experiments (pipeline, created_at DESC);
CREATE INDEX experiments_by_time ON experiments (created_at DESC);
