-- One row per projection (and per rebuild in progress, named '<projection>__shadow').
-- Written in the same transaction as the read-model change it describes.
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name TEXT PRIMARY KEY,
  checkpoint TEXT NOT NULL DEFAULT '',
  position BIGINT NOT NULL DEFAULT 0,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  status TEXT NOT NULL DEFAULT 'stopped',
  version INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
