-- The delivery claim walks notifications in (next_attempt_at, id) order among those still to deliver
-- (status created or retry). Delivered and failed ones keep their last next_attempt_at, so on the full
-- index every claim stepped over the whole history before reaching the pending ones, and the history
-- grows with the retention window: with 200,000 delivered rows and 100 pending, EXPLAIN ANALYZE of the
-- claim's scan gave 29.9 ms (200,000 rows removed by the filter) on the full index and 0.07 ms on this
-- one. This partial index holds the pending ones only, so a claim's cost follows the backlog.
-- Prisma's schema language has no partial indexes (without a preview feature): it is kept here, and
-- the schema engine leaves an index it did not create alone when it diffs.
CREATE INDEX "event_notifications_pending_next_attempt_at_id_idx" ON "event_notifications" ("next_attempt_at", "id")
  WHERE "status" IN ('created', 'retry');
