-- Click events are raw facts written in batches by the click redirect. A foreign key would
-- make every inserted click lock its message and link rows (FOR KEY SHARE, one trigger query
-- per row); instead the batch insert joins messages and links (src/db/clicks.ts), which
-- validates the ids set-based. Messages and links are never deleted.
ALTER TABLE clicks DROP CONSTRAINT IF EXISTS clicks_message_id_fkey;
ALTER TABLE clicks DROP CONSTRAINT IF EXISTS clicks_link_id_fkey;

-- Clicks arrive in time order: a BRIN index serves the reports' time ranges at a fraction of
-- a B-tree's cost per insert.
DROP INDEX IF EXISTS clicks_time_idx;
CREATE INDEX clicks_time_brin ON clicks USING brin (clicked_at);
