-- Issue 20: a day that fits. Capacity per person (a personal «Норма звонков в день» over the
-- role's default in config `workload`), absences (leave, sick days), and visits: all open
-- reasons to contact one client by one person gathered into one «Контакт с клиентом», planned
-- on one working day within its window, or listed as overflow with its reason.

ALTER TABLE employees ADD COLUMN daily_capacity integer
  CONSTRAINT employees_daily_capacity_check CHECK (daily_capacity BETWEEN 0 AND 1000);

-- «Отсутствия»: an employee is away from `from_date` to `to_date` inclusive.
CREATE TABLE employee_absences (
  id           bigserial PRIMARY KEY,
  employee_id  bigint NOT NULL REFERENCES employees(id),
  from_date    date NOT NULL,
  to_date      date NOT NULL,
  import_id    bigint REFERENCES imports(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT employee_absences_range_check CHECK (from_date <= to_date),
  CONSTRAINT employee_absences_uq UNIQUE (employee_id, from_date, to_date)
);

-- «Контакт с клиентом»: one conversation covering every open reason (task) of one client and person.
CREATE TABLE visits (
  id                bigserial PRIMARY KEY,
  client_id         bigint NOT NULL REFERENCES clients(id),
  assignee_id       bigint NOT NULL REFERENCES employees(id),
  state             text NOT NULL DEFAULT 'open' CONSTRAINT visits_state_check CHECK (state IN ('open', 'done', 'cancelled')),
  -- the window: the earliest working day it may happen … its deadline (the earliest of its reasons')
  starts_on         date,
  due_on            date,
  -- the working day the planner gave it; NULL with `overflow_reason` when it does not fit
  planned_on        date,
  overflow_reason   text,
  -- the planner's run that last set planned_on / overflow_reason
  planned_at        timestamptz,
  outcome           text,
  note              text,
  contact_event_id  bigint REFERENCES contact_events(id),
  created_at        timestamptz NOT NULL,
  closed_at         timestamptz,
  closed_by         bigint REFERENCES employees(id)
);
CREATE UNIQUE INDEX visits_open_client_assignee_uq ON visits (client_id, assignee_id) WHERE state = 'open';
CREATE INDEX visits_plan_idx ON visits (assignee_id, planned_on) WHERE state = 'open';
CREATE INDEX visits_client_idx ON visits (client_id);

ALTER TABLE tasks ADD COLUMN visit_id bigint REFERENCES visits(id);
CREATE INDEX tasks_visit_idx ON tasks (visit_id) WHERE visit_id IS NOT NULL;
-- the planner gathers open tasks not yet in a visit
CREATE INDEX tasks_open_unvisited_idx ON tasks (client_id, assignee_id) WHERE state = 'open' AND visit_id IS NULL;

-- The head's decisions on overflow: move the deadline, reassign, or drop with a reason.
CREATE TABLE overflow_decisions (
  id              bigserial PRIMARY KEY,
  visit_id        bigint NOT NULL REFERENCES visits(id),
  action          text NOT NULL CONSTRAINT overflow_decisions_action_check CHECK (action IN ('move', 'reassign', 'drop')),
  by_employee_id  bigint REFERENCES employees(id),
  by_name         text NOT NULL,
  decided_at      timestamptz NOT NULL,
  before          text,
  after           text,
  reason          text
);
CREATE INDEX overflow_decisions_visit_idx ON overflow_decisions (visit_id);
