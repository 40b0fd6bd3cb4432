-- Provider events received by webhook, deduplicated by the provider's event id.
CREATE TABLE webhook_inbox (
  event_id text PRIMARY KEY,
  type text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz NULL,
  payment_id text NULL
);
CREATE INDEX webhook_inbox_payment ON webhook_inbox (payment_id);
