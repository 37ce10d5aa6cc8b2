-- Every dataset ingest produced (a Parquet artifact), with its profile, keyed by the dataset's sha256.
CREATE TABLE datasets (
  sha256      text PRIMARY KEY REFERENCES artifacts (sha256),
  row_count   bigint NOT NULL,
  profile     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
