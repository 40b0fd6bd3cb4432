-- Event store schema (module 'eventstore'). transaction_id gives the gap-safe global order:
-- readers only take rows with transaction_id < pg_snapshot_xmin(pg_current_snapshot()),
-- ordered by (transaction_id, global_position); see postgresEventStore.ts.
-- The primary key is the read order itself (one index less to maintain per event); the identity
-- still makes global_position unique on its own.
CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  version bigint NOT NULL,
  event_id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  schema_version integer NOT NULL DEFAULT 1,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version UNIQUE (stream_id, version),
  CONSTRAINT events_version_positive CHECK (version >= 1),
  CONSTRAINT events_pkey PRIMARY KEY (transaction_id, global_position)
);

CREATE TABLE streams (
  stream_id text PRIMARY KEY,
  version bigint NOT NULL CHECK (version >= 1)
);

CREATE TABLE snapshots (
  stream_id text PRIMARY KEY,
  version bigint NOT NULL,
  schema_version integer NOT NULL,
  state jsonb NOT NULL,
  taken_at timestamptz NOT NULL
);

CREATE TABLE idempotency_keys (
  key text PRIMARY KEY,
  request_hash text NOT NULL,
  stream_id text NOT NULL,
  response jsonb NOT NULL,
  checkpoint text NOT NULL,
  global_position bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- As documented in src/eventsourcing/outbox/outboxStore.ts.
CREATE TABLE outbox_messages (
  id text PRIMARY KEY,
  kind text NOT NULL,
  stream_id text NOT NULL,
  dedup_key text NOT NULL UNIQUE,
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'leased', 'done', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  available_at timestamptz NOT NULL DEFAULT now(),
  lease_owner text NULL,
  lease_expires_at timestamptz NULL,
  last_error text NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz NULL
);
CREATE INDEX outbox_messages_state_available ON outbox_messages (state, available_at);
