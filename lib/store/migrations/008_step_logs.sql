-- What steps logged through their `log`, kept with their run: at most a configured number of lines per step,
-- the oldest trimmed first and counted in step_log_trims.
CREATE TABLE step_logs (
  id       bigserial PRIMARY KEY,
  run_id   text NOT NULL,
  step     text NOT NULL,
  attempt  integer NOT NULL,
  at       timestamptz NOT NULL,
  level    text NOT NULL,
  message  text NOT NULL,
  fields   jsonb
);
CREATE INDEX step_logs_by_step ON step_logs (run_id, step, id);
CREATE INDEX step_logs_by_run ON step_logs (run_id, id);

CREATE TABLE step_log_trims (
  run_id   text NOT NULL,
  step     text NOT NULL,
  trimmed  bigint NOT NULL,
  PRIMARY KEY (run_id, step)
);
