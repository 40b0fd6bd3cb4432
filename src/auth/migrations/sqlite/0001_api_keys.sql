-- API keys: only a sha256 of the secret part is stored; the key itself is shown once.
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,            -- JSON array of scope strings
  secret_hash TEXT NOT NULL,       -- hex sha256 of the secret
  created_at INTEGER NOT NULL,     -- epoch ms
  revoked_at INTEGER               -- epoch ms, NULL while active
);
