-- API keys created with `cairn keys create`. Only a sha256 of each key is kept: keys are long
-- random strings, so a fast hash is enough, and the key itself is shown once, at creation.
CREATE TABLE api_keys (
  id          text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  key_sha256  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
