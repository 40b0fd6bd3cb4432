-- One statement per group-commit batch (one round trip, one commit). The writer puts each stream,
-- caller-given event id and idempotency key at most once in a batch, so every append's checks are
-- evaluated on its own rows: an append that fails a check writes nothing, the others commit.
-- Checks against concurrent writers (other batches, other processes) hold because the UPDATE
-- re-evaluates `version = expected` on the latest row version (EvalPlanQual) and the stream INSERT
-- waits for a concurrent creator; an id or key inserted concurrently raises 23505 and the writer
-- retries the batch, which then sees it. Every event id is checked, generated ones too, so a batch
-- retried after an unknown commit outcome (lost connection) turns into a replay, not a duplicate.
WITH a AS (
  SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::text[], $8::text[])
    AS t(idx, stream_id, kind, expected, n, idem_key, idem_hash, idem_resp)
),
e AS (
  SELECT * FROM unnest($9::int[], $10::int[], $11::uuid[], $12::text[], $13::int[], $14::text[], $15::text[])
    AS t(idx, seq, event_id, type, schema_version, data, metadata)
),
o AS (
  SELECT * FROM unnest($16::int[], $17::text[], $18::text[], $19::text[], $20::text[], $21::timestamptz[])
    AS t(idx, id, kind, dedup_key, payload, available_at)
),
cfg AS (
  SELECT set_config('synchronous_commit', $22::text, true) AS v
),
-- Every table lookup is `key = ANY(array parameter)`, never a join of a table against the batch:
-- a cached generic plan made while a table was tiny joined it by a sequential scan, O(table) per
-- batch once it had grown (measured: 300-4000 µs of server CPU per append instead of ~50).
hit_ids AS (
  SELECT event_id FROM events WHERE event_id = ANY($11::uuid[])
),
hit_keys AS (
  SELECT key FROM idempotency_keys WHERE key = ANY($6::text[])
),
blocked AS (
  SELECT e.idx FROM e JOIN hit_ids h ON h.event_id = e.event_id
  UNION
  SELECT a.idx FROM a JOIN hit_keys k ON k.key = a.idem_key
),
current AS (
  SELECT stream_id, version FROM streams WHERE stream_id = ANY($2::text[])
),
cand AS (
  SELECT a.*, s.version AS cur
  FROM a LEFT JOIN current s ON s.stream_id = a.stream_id
  WHERE NOT EXISTS (SELECT 1 FROM blocked b WHERE b.idx = a.idx)
),
upd AS (
  UPDATE streams s SET version = s.version + c.n
  FROM cand c
  WHERE s.stream_id = ANY($2::text[]) AND s.stream_id = c.stream_id AND c.cur IS NOT NULL
    AND (c.kind IN ('any', 'stream_exists') OR (c.kind = 'exact' AND s.version = c.expected))
  RETURNING c.idx, s.version AS new_version
),
ins AS (
  INSERT INTO streams (stream_id, version)
  SELECT c.stream_id, c.n FROM cand c
  WHERE c.cur IS NULL AND (c.kind IN ('any', 'no_stream') OR (c.kind = 'exact' AND c.expected = 0))
  ORDER BY c.stream_id
  ON CONFLICT (stream_id) DO NOTHING
  RETURNING stream_id, version AS new_version
),
ok AS (
  SELECT idx, new_version FROM upd
  UNION ALL
  SELECT c.idx, ins.new_version FROM ins JOIN cand c ON c.stream_id = ins.stream_id
),
ev AS (
  INSERT INTO events (stream_id, version, event_id, type, schema_version, data, metadata)
  SELECT c.stream_id, ok.new_version - c.n + e.seq, e.event_id, e.type, e.schema_version,
         e.data::jsonb, e.metadata::jsonb
  FROM ok JOIN cand c ON c.idx = ok.idx JOIN e ON e.idx = ok.idx
  ORDER BY ok.idx, e.seq
  RETURNING stream_id, version, global_position
),
last AS (
  -- No ORDER BY inside array_agg: a sort per group costs more than the rest of the batch; the
  -- writer pairs positions with versions instead.
  SELECT stream_id, max(global_position) AS pos, max(version) AS version,
         array_agg(global_position) AS positions, array_agg(version) AS versions
  FROM ev GROUP BY stream_id
)
-- Blocks between "@if flag" and "@end" are left out of batches that do not need them (appendBatch.ts).
-- @if idem
, idem AS (
  INSERT INTO idempotency_keys (key, request_hash, stream_id, response, checkpoint, global_position)
  SELECT c.idem_key, c.idem_hash, c.stream_id, c.idem_resp::jsonb,
         lpad(pg_current_xact_id()::text, 20, '0') || ':' || lpad(l.pos::text, 20, '0'), l.pos
  FROM cand c JOIN last l ON l.stream_id = c.stream_id
  WHERE c.idem_key IS NOT NULL
)
-- @end
-- @if outbox
, obx AS (
  INSERT INTO outbox_messages (id, kind, stream_id, dedup_key, payload, available_at)
  SELECT o.id, o.kind, c.stream_id, o.dedup_key, o.payload::jsonb, o.available_at
  FROM o JOIN ok ON ok.idx = o.idx JOIN cand c ON c.idx = o.idx
  ORDER BY o.idx
  ON CONFLICT DO NOTHING
)
-- @end
SELECT a.idx,
       CASE WHEN b.idx IS NOT NULL THEN 'blocked' WHEN l.stream_id IS NOT NULL THEN 'ok' ELSE 'conflict' END AS status,
       c.cur, l.version, l.positions, l.versions,
       pg_current_xact_id()::text AS xid, now() AS recorded_at
       -- @if syncOff
       , (SELECT count(*) FROM cfg) AS configured
       -- @end
FROM a
LEFT JOIN blocked b ON b.idx = a.idx
LEFT JOIN cand c ON c.idx = a.idx
LEFT JOIN last l ON l.stream_id = a.stream_id
ORDER BY a.idx
