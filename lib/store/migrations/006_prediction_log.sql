-- Served predictions, written in batches off the request path, and the true labels users send back.
CREATE TABLE prediction_log (
  id            bigserial PRIMARY KEY,
  model         text NOT NULL,
  version       integer NOT NULL,
  alias         text,
  request_id    text NOT NULL,
  -- Position of the instance within its (batch) request.
  item          integer NOT NULL,
  features      jsonb NOT NULL,
  -- The label (classification) or value (regression) served.
  prediction    jsonb NOT NULL,
  predicted_at  timestamptz NOT NULL,
  UNIQUE (model, request_id, item)
);
CREATE INDEX prediction_log_recent ON prediction_log (model, predicted_at);

CREATE TABLE prediction_feedback (
  model        text NOT NULL,
  request_id   text NOT NULL,
  item         integer NOT NULL,
  label        jsonb NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, request_id, item)
);

-- A canary alias takes this share of the traffic that asks for the default alias (production).
ALTER TABLE model_aliases ADD COLUMN traffic_weight double precision CHECK (traffic_weight >= 0 AND traffic_weight <= 1);
ALTER TABLE model_alias_history ADD COLUMN traffic_weight double precision;
