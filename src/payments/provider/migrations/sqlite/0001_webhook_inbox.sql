-- Provider events received by webhook, deduplicated by the provider's event id.
-- Times are INTEGER epoch milliseconds.
CREATE TABLE webhook_inbox (
  event_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  processed_at INTEGER NULL,
  payment_id TEXT NULL
);
CREATE INDEX webhook_inbox_payment ON webhook_inbox (payment_id);
