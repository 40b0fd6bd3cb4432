-- Payment read models (projection 'payments'). Times are ISO 8601 UTC strings of one fixed
-- format (Date.toISOString), so text order is time order; text columns compare bytewise ("C").

-- One row per payment: indexed columns for the list, the public view, and the decider's state
-- (so the projection folds the next events without re-reading the stream).
CREATE TABLE IF NOT EXISTS payment_details (
  id TEXT COLLATE "C" PRIMARY KEY,
  status TEXT COLLATE "C" NOT NULL,
  currency TEXT COLLATE "C" NOT NULL,
  customer TEXT COLLATE "C",
  amount BIGINT NOT NULL,
  created TEXT COLLATE "C" NOT NULL,
  updated TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  view JSON NOT NULL,
  state JSON NOT NULL
);
-- The list is newest first, (created, id) descending; each filter has its own ordered index so
-- a page is an index range scan.
CREATE INDEX IF NOT EXISTS payment_details_created ON payment_details (created DESC, id DESC);
CREATE INDEX IF NOT EXISTS payment_details_status ON payment_details (status, created DESC, id DESC);
CREATE INDEX IF NOT EXISTS payment_details_currency ON payment_details (currency, created DESC, id DESC);
CREATE INDEX IF NOT EXISTS payment_details_customer ON payment_details (customer, created DESC, id DESC);

-- Per currency totals, maintained by deltas (new view minus old view of each touched payment).
CREATE TABLE IF NOT EXISTS payment_dashboard (
  currency TEXT COLLATE "C" PRIMARY KEY,
  count BIGINT NOT NULL DEFAULT 0,
  succeeded BIGINT NOT NULL DEFAULT 0,
  failed BIGINT NOT NULL DEFAULT 0,
  amount_captured BIGINT NOT NULL DEFAULT 0,
  amount_refunded BIGINT NOT NULL DEFAULT 0,
  last_payment_at TEXT,
  last_failure_at TEXT
);

-- The same figures per time bucket of the payment's creation time.
CREATE TABLE IF NOT EXISTS payment_timeseries (
  bucket TEXT COLLATE "C" NOT NULL,
  bucket_start TEXT COLLATE "C" NOT NULL,
  currency TEXT COLLATE "C" NOT NULL,
  count BIGINT NOT NULL DEFAULT 0,
  succeeded BIGINT NOT NULL DEFAULT 0,
  failed BIGINT NOT NULL DEFAULT 0,
  amount_captured BIGINT NOT NULL DEFAULT 0,
  amount_refunded BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, bucket_start, currency)
);
