-- Indexes on columns that reference tasks, so that closing or removing tasks and joining
-- events to the task that recorded them does not scan whole tables.
CREATE INDEX IF NOT EXISTS contact_events_task_idx ON contact_events (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS signals_task_idx ON signals (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS competitor_findings_task_idx ON competitor_findings (diagnostics_task_id) WHERE diagnostics_task_id IS NOT NULL;
