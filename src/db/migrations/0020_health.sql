-- Client health (issue 4): reaction time of signal alerts, escalations, indexes of the scans.

-- The escalation e-mail of a signal (the alert is `notification_id`).
ALTER TABLE signals ADD COLUMN escalation_notification_id bigint REFERENCES notifications(id);
CREATE INDEX signals_notification_idx ON signals (notification_id);
CREATE INDEX signals_open_idx ON signals (detected_at) WHERE acknowledged_at IS NULL AND escalated_at IS NULL;

-- Reaction time = SMTP acceptance of the alert − detection. The send-email job records
-- `notifications.sent_at` when the server accepts; this copies it onto the signal at once.
CREATE FUNCTION signals_record_emailed_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE signals SET emailed_at = NEW.sent_at WHERE notification_id = NEW.id AND emailed_at IS NULL;
  RETURN NULL;
END
$$;
CREATE TRIGGER notifications_signal_emailed_at
  AFTER UPDATE OF sent_at ON notifications
  FOR EACH ROW WHEN (NEW.kind = 'signal-alert' AND NEW.sent_at IS NOT NULL AND OLD.sent_at IS NULL)
  EXECUTE FUNCTION signals_record_emailed_at();

-- Risk-review tasks of a client: the open one, the last closed (cooldown).
CREATE INDEX tasks_risk_review_idx ON tasks (client_id, closed_at) WHERE kind = 'risk-review';
