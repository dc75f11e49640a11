-- Issue 21: a call task shows the contact's answer on their previous call («что подготовить в
-- следующий раз»). The call-task job looked it up per due message by scanning every closed call
-- of the RIC (tasks_client_idx by kind and state): 1.5 ms a message, 3 s a day after a quarter
-- of 2 000 clients, and growing with the history. An index by contact takes it straight.
CREATE INDEX IF NOT EXISTS tasks_previous_call_idx ON tasks (contact_id, closed_at DESC)
  WHERE kind = 'lpr-call' AND state = 'done' AND next_prep IS NOT NULL;

-- The planner closes the visits left without open work; after a year most tasks are closed and
-- wide (their payload), so the open ones' visits are read from an index, not the whole table.
CREATE INDEX IF NOT EXISTS tasks_open_visit_idx ON tasks (visit_id) WHERE state = 'open' AND visit_id IS NOT NULL;
