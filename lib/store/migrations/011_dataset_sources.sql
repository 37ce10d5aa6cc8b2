-- Where a dataset came from, as ingest read it (kind, format, the path, the URL without credentials, or
-- the SQL connection and query): what its data card names as its source. Null for datasets recorded
-- before sources were.
ALTER TABLE datasets ADD COLUMN source jsonb;
