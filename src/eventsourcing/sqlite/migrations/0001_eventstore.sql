-- Event store schema (module 'eventstore'). SQLite has one writer, so global_position (the rowid)
-- commits in order and is the checkpoint. Without AUTOINCREMENT a rowid taken by a rolled-back
-- savepoint is reused, which keeps committed positions gap-free.
CREATE TABLE events (
  global_position INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL DEFAULT 1,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  recorded_at INTEGER NOT NULL,
  UNIQUE (stream_id, version)
);

CREATE TABLE streams (
  stream_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL CHECK (version >= 1)
) WITHOUT ROWID;

CREATE TABLE snapshots (
  stream_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  state TEXT NOT NULL,
  taken_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE idempotency_keys (
  key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  response TEXT NOT NULL,
  checkpoint TEXT NOT NULL,
  global_position INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- As documented in src/eventsourcing/outbox/outboxStore.ts; times are epoch milliseconds.
CREATE TABLE outbox_messages (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  dedup_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'leased', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  available_at INTEGER NOT NULL,
  lease_owner TEXT NULL,
  lease_expires_at INTEGER NULL,
  last_error TEXT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  completed_at INTEGER NULL
);
CREATE INDEX outbox_messages_state_available ON outbox_messages (state, available_at);
