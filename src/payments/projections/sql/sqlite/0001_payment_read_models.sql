-- Payment read models (projection 'payments'). Times are ISO 8601 UTC strings of one fixed
-- format (Date.toISOString), so text order is time order.

-- One row per payment: indexed columns for the list, the public view, and the decider's state
-- (so the projection folds the next events without re-reading the stream).
CREATE TABLE IF NOT EXISTS payment_details (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  currency TEXT NOT NULL,
  customer TEXT,
  amount INTEGER NOT NULL,
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  version INTEGER NOT NULL,
  view TEXT NOT NULL,
  state TEXT NOT NULL
);
-- The list is newest first, (created, id) descending; each filter has its own ordered index so
-- a page is an index range scan.
CREATE INDEX IF NOT EXISTS payment_details_created ON payment_details (created DESC, id DESC);
CREATE INDEX IF NOT EXISTS payment_details_status ON payment_details (status, created DESC, id DESC);
CREATE INDEX IF NOT EXISTS payment_details_currency ON payment_details (currency, created DESC, id DESC);
CREATE INDEX IF NOT EXISTS payment_details_customer ON payment_details (customer, created DESC, id DESC);

-- Per currency totals, maintained by deltas (new view minus old view of each touched payment).
CREATE TABLE IF NOT EXISTS payment_dashboard (
  currency TEXT PRIMARY KEY,
  count INTEGER NOT NULL DEFAULT 0,
  succeeded INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  amount_captured INTEGER NOT NULL DEFAULT 0,
  amount_refunded INTEGER NOT NULL DEFAULT 0,
  last_payment_at TEXT,
  last_failure_at TEXT
);

-- The same figures per time bucket of the payment's creation time.
CREATE TABLE IF NOT EXISTS payment_timeseries (
  bucket TEXT NOT NULL,
  bucket_start TEXT NOT NULL,
  currency TEXT NOT NULL,
  count INTEGER NOT NULL DEFAULT 0,
  succeeded INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  amount_captured INTEGER NOT NULL DEFAULT 0,
  amount_refunded INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, bucket_start, currency)
);
