-- API keys: only a sha256 of the secret part is stored; the key itself is shown once.
CREATE TABLE IF NOT EXISTS api_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  scopes text[] NOT NULL,
  secret_hash text NOT NULL,       -- hex sha256 of the secret
  created_at timestamptz NOT NULL,
  revoked_at timestamptz           -- NULL while active
);
