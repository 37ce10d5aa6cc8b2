-- Every move of a model alias: who or what asked, and why. Rollback walks this history back.
CREATE TABLE model_alias_history (
  id          bigserial PRIMARY KEY,
  model       text NOT NULL REFERENCES models (name),
  alias       text NOT NULL,
  version     integer NOT NULL,
  previous    integer,
  actor       text NOT NULL,
  reason      text NOT NULL,
  moved_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
);
CREATE INDEX model_alias_history_by_alias ON model_alias_history (model, alias, id);
