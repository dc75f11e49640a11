-- Issue 25: a short PostgreSQL outage leaves no work to the admin. A run whose job lost the
-- database mid-way is marked interrupted (when, and how often) and retried by itself when
-- PostgreSQL answers again (`retried_at`); every worker process that paused for an outage
-- records it once the database is back (`status` shows the last one).
ALTER TABLE job_runs
  ADD COLUMN interrupted_at timestamptz,
  ADD COLUMN interruptions integer NOT NULL DEFAULT 0,
  ADD COLUMN retried_at timestamptz;

CREATE TABLE db_outages (
  id            bigserial PRIMARY KEY,
  -- The process that saw it (host:pid): several workers see one outage, each writes its row.
  observed_by   text NOT NULL,
  started_at    timestamptz NOT NULL,
  ended_at      timestamptz NOT NULL CONSTRAINT db_outages_order_check CHECK (ended_at >= started_at),
  -- Relay answers this process held in memory until they were written.
  held_outcomes integer NOT NULL DEFAULT 0,
  UNIQUE (observed_by, started_at)
);
CREATE INDEX db_outages_started_idx ON db_outages (started_at DESC);
