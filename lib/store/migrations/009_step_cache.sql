-- The step cache: the output a cacheable step produced, under the key of everything it depended on
-- (its code version, config, upstream outputs, and for a source the fingerprint of what it read).
-- Deleting a row (eviction) never deletes an artifact: runs keep what they reference.
CREATE TABLE step_cache (
  key          text PRIMARY KEY CHECK (key ~ '^[0-9a-f]{64}$'),
  activity     text NOT NULL,
  pipeline     text NOT NULL,
  run_id       text NOT NULL,
  step         text NOT NULL,
  output       jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_hit_at  timestamptz,
  hits         bigint NOT NULL DEFAULT 0
);
CREATE INDEX step_cache_by_use ON step_cache ((coalesce(last_hit_at, created_at)));
