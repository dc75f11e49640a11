-- Issue 20, item 6: the daily export to the CRM (`crm-export`). One row per working day and kind
-- written to the outbox folder: the row is the proof the file went out, so a second run for the
-- same day writes nothing, even after the CRM has taken the file away.
CREATE TABLE crm_exports (
  id          bigserial PRIMARY KEY,
  -- the working day whose contact events and tasks the file holds
  day         date NOT NULL,
  kind        text NOT NULL CONSTRAINT crm_exports_kind_check CHECK (kind IN ('contact-events', 'tasks')),
  file        text NOT NULL,
  rows        integer NOT NULL CONSTRAINT crm_exports_rows_check CHECK (rows >= 0),
  -- the instants the rows were recorded in: [covers_from, covers_to)
  covers_from timestamptz NOT NULL,
  covers_to   timestamptz NOT NULL,
  written_at  timestamptz NOT NULL,
  CONSTRAINT crm_exports_uq UNIQUE (day, kind)
);
