-- Issue 13: signals acknowledged from the alert's link, edge-triggered conditions, the baseline.

-- Who acknowledged (the employee, when known) and how: 'link' (the alert's «Принято в работу»),
-- 'cli' (admin script), 'task' (the hand-off task closed).
ALTER TABLE signals ADD COLUMN acknowledged_employee_id bigint REFERENCES employees(id);
ALTER TABLE signals ADD COLUMN acknowledged_via text;
-- A baseline signal: the condition already held on the first scan of its source; recorded and
-- planned as a task, never e-mailed nor escalated.
ALTER TABLE signals ADD COLUMN baseline boolean NOT NULL DEFAULT false;
CREATE INDEX signals_baseline_idx ON signals (detected_at) WHERE baseline;

-- Conditions that hold now (edge triggering): a signal is raised when the row appears, and not
-- again while it stays; the row goes when a scan that can evaluate the kind no longer finds it.
CREATE TABLE signal_conditions (
  client_id  bigint NOT NULL REFERENCES clients(id),
  kind       text NOT NULL,
  since      timestamptz NOT NULL,
  seen_at    timestamptz NOT NULL,
  signal_id  bigint REFERENCES signals(id),
  PRIMARY KEY (client_id, kind)
);

-- The kinds whose baseline has been taken (once per installation and kind).
CREATE TABLE signal_baselines (
  kind      text PRIMARY KEY,
  taken_at  timestamptz NOT NULL,
  signals   integer NOT NULL
);

-- A digest's SMTP acceptance is the e-mail time of each signal it carries.
DROP TRIGGER notifications_signal_emailed_at ON notifications;
CREATE TRIGGER notifications_signal_emailed_at
  AFTER UPDATE OF sent_at ON notifications
  FOR EACH ROW WHEN (NEW.kind IN ('signal-alert', 'signal-digest') AND NEW.sent_at IS NOT NULL AND OLD.sent_at IS NULL)
  EXECUTE FUNCTION signals_record_emailed_at();
