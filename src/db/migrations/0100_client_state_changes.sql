-- History of a client's state (Состояние) as the CRM's exports show it: one row per change
-- seen between two imports of `clients`, or given directly by the optional «Дата отключения»
-- column. Written by the clients import; read by reports and by the indicator's quality check
-- (which clients disconnected, and when). `changed_on` is a date in the RIC's zone.
CREATE TABLE client_state_changes (
  id           bigserial PRIMARY KEY,
  client_id    bigint NOT NULL REFERENCES clients(id),
  -- NULL: the client was first seen in this state (no earlier state known)
  from_state   text,
  to_state     text NOT NULL,
  changed_on   date NOT NULL,
  -- 'import': seen changed between two imports (dated by the import's data date);
  -- 'disconnection-date': the export's «Дата отключения» column
  source       text NOT NULL CONSTRAINT client_state_changes_source_check
                 CHECK (source IN ('import', 'disconnection-date')),
  import_id    bigint REFERENCES imports(id),
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT client_state_changes_once UNIQUE (client_id, to_state, changed_on)
);
CREATE INDEX client_state_changes_state_idx ON client_state_changes (to_state, changed_on);
