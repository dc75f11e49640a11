-- Issue 23: the client's card reads every kind of event of one client, newest first. Messages
-- and state changes had no index by client (the mailing reads messages by contact, reports
-- state changes by state and day).
CREATE INDEX IF NOT EXISTS messages_client_idx ON messages (client_id, queued_at);
CREATE INDEX IF NOT EXISTS client_state_changes_client_idx ON client_state_changes (client_id, changed_on);
