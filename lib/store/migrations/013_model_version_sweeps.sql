-- A version chosen by a sweep keeps the whole sweep in its lineage: every trial's params and score,
-- the metric and direction, and which trial won (null for versions registered otherwise).
ALTER TABLE model_versions ADD COLUMN IF NOT EXISTS sweep jsonb;
