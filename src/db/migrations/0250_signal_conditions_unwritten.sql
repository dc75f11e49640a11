-- Issue 21: a signals scan no longer rewrites every condition that still holds (about 950 rows a
-- scan at 2 000 clients after a year, each a dead tuple), and nothing read when a condition was
-- last seen. The column stays, nullable, so a worker of the previous release still running during
-- an upgrade can go on writing it; a later release may drop it.
ALTER TABLE signal_conditions ALTER COLUMN seen_at DROP NOT NULL;
