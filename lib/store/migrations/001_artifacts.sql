-- Every artifact the content-addressed store holds, and which run step produced it.
CREATE TABLE artifacts (
  sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes  bigint NOT NULL CHECK (size_bytes >= 0),
  media_type  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Written by activities, which may run more than once: the key makes a repeat a no-op.
CREATE TABLE run_artifacts (
  run_id      text NOT NULL,
  step        text NOT NULL,
  name        text NOT NULL,
  sha256      text NOT NULL REFERENCES artifacts (sha256),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step, name)
);
CREATE INDEX run_artifacts_sha256 ON run_artifacts (sha256);
