-- One truth with the CRM (issue 12): the CRM's own «Фиксация отклонений» per client and week,
-- imported beside churnguard's scores, and which of the two indicators drove a week's zone.

-- The CRM's report as imported: one row per client and ISO week (the report repeats a client
-- once per responsible employee; the repeats must agree and collapse to this row).
CREATE TABLE crm_deviations (
  client_id     bigint NOT NULL REFERENCES clients(id),
  week          text NOT NULL CONSTRAINT crm_deviations_week_check CHECK (week ~ '^\d{4}-W\d{2}$'),
  training      numeric(3, 2),
  lk            numeric(3, 2),
  lpr_contact   numeric(3, 2),
  logins        numeric(3, 2),
  webinars      numeric(3, 2),
  indicator     numeric(5, 3) NOT NULL,
  -- the responsible employees the report lists for the client (Сотрудник (упр))
  employee_ids  bigint[] NOT NULL DEFAULT '{}',
  department    text,
  import_id     bigint REFERENCES imports(id),
  imported_at   timestamptz NOT NULL,
  PRIMARY KEY (week, client_id)
);
CREATE INDEX crm_deviations_client_idx ON crm_deviations (client_id, week);

-- risk_scores.indicator / zone are the values the desk acts on (risk.indicatorSource); these
-- keep churnguard's own value and the CRM's beside them.
ALTER TABLE risk_scores
  ADD COLUMN computed_indicator numeric(5, 3),
  ADD COLUMN computed_zone text CONSTRAINT risk_scores_computed_zone_check CHECK (computed_zone IN ('high', 'dynamic', 'none')),
  ADD COLUMN crm_indicator numeric(5, 3),
  ADD COLUMN indicator_source text NOT NULL DEFAULT 'computed'
    CONSTRAINT risk_scores_indicator_source_check CHECK (indicator_source IN ('computed', 'crm'));
UPDATE risk_scores SET computed_indicator = indicator, computed_zone = zone;
