-- The specialist's diary (issue 8): sign-in tokens per employee, browser sessions, and the
-- record of tasks a head of department moved from one specialist to another.

-- One sign-in token per employee (`admin employee token <name>`); only its SHA-256 is kept.
-- Issuing a new token replaces the row: the old token stops working at once.
CREATE TABLE employee_tokens (
  employee_id   bigint PRIMARY KEY REFERENCES employees(id),
  token_sha256  text NOT NULL UNIQUE,
  issued_at     timestamptz NOT NULL
);

-- A signed-in browser: the cookie holds a random session token, this table its SHA-256.
-- A new sign-in token for the employee ends their sessions.
CREATE TABLE diary_sessions (
  id_sha256    text PRIMARY KEY,
  employee_id  bigint NOT NULL REFERENCES employees(id),
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX diary_sessions_employee_idx ON diary_sessions (employee_id);
CREATE INDEX diary_sessions_expires_idx ON diary_sessions (expires_at);

-- A task a head of department gave to another member of the team.
CREATE TABLE task_reassignments (
  id                bigserial PRIMARY KEY,
  task_id           bigint NOT NULL REFERENCES tasks(id),
  from_employee_id  bigint REFERENCES employees(id),
  to_employee_id    bigint NOT NULL REFERENCES employees(id),
  by_employee_id    bigint NOT NULL REFERENCES employees(id),
  reassigned_at     timestamptz NOT NULL
);
CREATE INDEX task_reassignments_task_idx ON task_reassignments (task_id);

-- The diary lists a specialist's open tasks by due time.
CREATE INDEX tasks_open_assignee_idx ON tasks (assignee_id, due_at) WHERE state = 'open';
