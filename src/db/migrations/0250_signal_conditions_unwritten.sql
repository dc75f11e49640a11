-- A signals scan no longer rewrites every condition that still holds (thousands of rows a scan
-- at 10 000 clients, each a dead tuple); nothing read when a condition was last seen.
ALTER TABLE signal_conditions DROP COLUMN seen_at;
