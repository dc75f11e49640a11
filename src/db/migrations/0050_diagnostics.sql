-- Competitor diagnostics (issue 7): the hand-off of each finding, the reaction time of its
-- alert to field support, and the indexes of the campaign's tasks and reports.

-- The signal that handed the finding to field support (its task and alert e-mail) and the
-- remote specialist's follow-up task (a comparison event: training with comparison elements).
ALTER TABLE competitor_findings ADD COLUMN signal_id bigint REFERENCES signals(id);
ALTER TABLE competitor_findings ADD COLUMN comparison_task_id bigint REFERENCES tasks(id);
CREATE INDEX competitor_findings_found_idx ON competitor_findings (found_at);
-- (competitor_findings (diagnostics_task_id) is indexed by 0090_reference_indexes.)
CREATE INDEX competitor_findings_signal_idx ON competitor_findings (signal_id);

-- Reaction time = SMTP acceptance of the alert − finding. The send-email job records
-- `notifications.sent_at` when the server accepts; this copies it onto the finding at once
-- (as 0020_health does onto the signal).
CREATE FUNCTION competitor_findings_record_notified_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE competitor_findings f SET field_notified_at = NEW.sent_at
    FROM signals s
   WHERE s.notification_id = NEW.id AND f.signal_id = s.id AND f.field_notified_at IS NULL;
  RETURN NULL;
END
$$;
CREATE TRIGGER notifications_finding_notified_at
  AFTER UPDATE OF sent_at ON notifications
  FOR EACH ROW WHEN (NEW.kind = 'signal-alert' AND NEW.sent_at IS NOT NULL AND OLD.sent_at IS NULL)
  EXECUTE FUNCTION competitor_findings_record_notified_at();

-- The tasks of one campaign (half-year), per specialist: the per-day counts of a re-run, the
-- control report, the reminders.
CREATE INDEX tasks_diagnostics_idx ON tasks ((payload ->> 'period'), assignee_id, due_at) WHERE kind = 'competitor-diagnostics';
