-- Which moves were rollbacks: a rollback walks the history back past them, so rolling back twice
-- goes two deploys back instead of returning to the version the first rollback left. Moves made
-- before this column existed count as deploys.
ALTER TABLE model_alias_history ADD COLUMN rollback boolean NOT NULL DEFAULT false;
