-- The model registry: models, their monotonically numbered versions with metrics and lineage, and aliases.
CREATE TABLE models (
  name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{0,62}$'),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE model_versions (
  model           text NOT NULL REFERENCES models (name),
  version         integer NOT NULL CHECK (version >= 1),
  model_sha256    text NOT NULL REFERENCES artifacts (sha256),
  algorithm       text NOT NULL,
  metrics         jsonb NOT NULL,
  params          jsonb NOT NULL,
  -- Lineage: which run and step made it, from which data and which pipeline spec.
  run_id          text NOT NULL,
  workflow_run_id text NOT NULL,
  step            text NOT NULL,
  pipeline        text NOT NULL,
  spec_hash       text NOT NULL,
  dataset_sha256  text NOT NULL,
  code_version    text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, version),
  -- Registering the same run's model twice gives the same version.
  UNIQUE (model, run_id, step)
);

CREATE TABLE model_aliases (
  model       text NOT NULL REFERENCES models (name),
  alias       text NOT NULL CHECK (alias ~ '^[a-z][a-z0-9-]{0,30}$'),
  version     integer NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
);
