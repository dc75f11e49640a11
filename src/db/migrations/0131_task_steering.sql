-- Issue 13: the team lead steers — comments on tasks and every change of a task, who and when.

-- A comment on a task (the seed's CRM card: «Фисун Е.А. Комментарий: обучить…»).
CREATE TABLE task_comments (
  id                  bigserial PRIMARY KEY,
  task_id             bigint NOT NULL REFERENCES tasks(id),
  author_employee_id  bigint REFERENCES employees(id),
  author_name         text NOT NULL,
  created_at          timestamptz NOT NULL,
  body                text NOT NULL
);
CREATE INDEX task_comments_task_idx ON task_comments (task_id, created_at);

-- Every change made to a task by a person: created, comment, due date, … (before → after).
CREATE TABLE task_changes (
  id               bigserial PRIMARY KEY,
  task_id          bigint NOT NULL REFERENCES tasks(id),
  changed_at       timestamptz NOT NULL,
  by_employee_id   bigint REFERENCES employees(id),
  by_name          text NOT NULL,
  field            text NOT NULL,
  before           text,
  after            text
);
CREATE INDEX task_changes_task_idx ON task_changes (task_id, changed_at);
