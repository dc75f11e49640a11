-- churnguard: the whole domain of the churn-prevention desk (see shared DOMAIN.md).
-- Enumerations are text with named CHECK constraints so that later migrations can widen
-- them in a transaction. Times are timestamptz (UTC); calendar dates are `date`.

-- Подразделение: a team of specialists.
CREATE TABLE departments (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  ric         text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Сотрудник: remote-service specialist (ДИС), field/traditional-support specialist (ТС),
-- or head of a department (руководитель группы).
CREATE TABLE employees (
  id                  bigserial PRIMARY KEY,
  name                text NOT NULL UNIQUE,
  department_id       bigint REFERENCES departments(id),
  role                text NOT NULL CONSTRAINT employees_role_check CHECK (role IN ('remote', 'field', 'head')),
  is_department_head  boolean NOT NULL DEFAULT false,
  email               text,
  phone               text,
  active              boolean NOT NULL DEFAULT true,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX employees_department_idx ON employees (department_id);

-- Клиент: an organisation on a paid subscription.
CREATE TABLE clients (
  id                     bigserial PRIMARY KEY,
  number                 integer NOT NULL UNIQUE CONSTRAINT clients_number_check CHECK (number BETWEEN 1 AND 99999999),
  name                   text NOT NULL,
  ric                    text,
  category               char(1) NOT NULL CONSTRAINT clients_category_check CHECK (category IN ('A', 'B', 'C')),
  monthly_fee            numeric(12, 2) NOT NULL CONSTRAINT clients_fee_check CHECK (monthly_fee >= 0),
  state                  text NOT NULL CONSTRAINT clients_state_check
                           CHECK (state IN ('served', 'primary_advance', 'disconnected', 'reorganization', 'liquidation')),
  state_changed_at       timestamptz,
  connected_on           date,
  disconnected_on        date,
  primary_advance_until  date,
  remote_specialist_id   bigint REFERENCES employees(id),
  field_specialist_id    bigint REFERENCES employees(id),
  -- 'double' (двойной), 'retention' (на удержании с высокой потребностью)
  flags                  text[] NOT NULL DEFAULT '{}',
  -- «Активность» column of the online-usage report (Да / Нет / unknown)
  online_active          boolean,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clients_remote_idx ON clients (remote_specialist_id);
CREATE INDEX clients_field_idx ON clients (field_specialist_id);

-- Clients the desk works with: everyone not disconnected.
CREATE VIEW served_clients AS SELECT * FROM clients WHERE state <> 'disconnected';

-- Контактное лицо (КЛ): ЛПР, ЛВПР, key user, system user.
CREATE TABLE contacts (
  id                        bigserial PRIMARY KEY,
  client_id                 bigint NOT NULL REFERENCES clients(id),
  full_name                 text NOT NULL,
  position                  text,
  -- manager, accountant, lawyer, hr, economist, labor_safety, other
  position_type             text CONSTRAINT contacts_position_type_check
                              CHECK (position_type IN ('manager', 'accountant', 'lawyer', 'hr', 'economist', 'labor_safety', 'other')),
  is_lpr                    boolean NOT NULL DEFAULT false,
  is_lvpr                   boolean NOT NULL DEFAULT false,
  is_key_user               boolean NOT NULL DEFAULT false,
  is_system_user            boolean NOT NULL DEFAULT false,
  email                     text,
  phone                     text,
  consent                   boolean NOT NULL DEFAULT false,
  unsubscribed_at           timestamptz,
  -- unknown → ok after a delivery; soft_bouncing; bounced = suppressed
  email_status              text NOT NULL DEFAULT 'unknown' CONSTRAINT contacts_email_status_check
                              CHECK (email_status IN ('unknown', 'ok', 'soft_bouncing', 'bounced', 'invalid')),
  suppressed_at             timestamptz,
  suppression_reason        text,
  -- months between monthly contacts; null → config default (1)
  contact_frequency_months  integer CONSTRAINT contacts_frequency_check CHECK (contact_frequency_months BETWEEN 1 AND 24),
  problem_areas             text[] NOT NULL DEFAULT '{}',
  disengaged_at             timestamptz,
  -- false once the CRM export no longer lists the person
  active                    boolean NOT NULL DEFAULT true,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  UNIQUE (client_id, full_name)
);
CREATE INDEX contacts_email_idx ON contacts (lower(email));

-- A client's ЛПР / ЛВПР / key user replaced or removed (from a contacts import).
CREATE TABLE key_person_changes (
  id               bigserial PRIMARY KEY,
  client_id        bigint NOT NULL REFERENCES clients(id),
  role             text NOT NULL CONSTRAINT key_person_changes_role_check CHECK (role IN ('lpr', 'lvpr', 'key_user')),
  left_contact_id  bigint REFERENCES contacts(id),
  left_name        text,
  came_contact_id  bigint REFERENCES contacts(id),
  came_name        text,
  detected_at      timestamptz NOT NULL,
  import_id        bigint
);
CREATE INDEX key_person_changes_client_idx ON key_person_changes (client_id, detected_at);

-- Imported files: the SHA-256 makes a repeated file a no-op.
CREATE TABLE imports (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL,
  file_name    text NOT NULL,
  sha256       text NOT NULL,
  state        text NOT NULL CONSTRAINT imports_state_check CHECK (state IN ('done', 'failed')),
  rows_total   integer NOT NULL DEFAULT 0,
  inserted     integer NOT NULL DEFAULT 0,
  updated      integer NOT NULL DEFAULT 0,
  unchanged    integer NOT NULL DEFAULT 0,
  summary      jsonb NOT NULL DEFAULT '{}',
  error        text,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz
);
CREATE UNIQUE INDEX imports_done_sha_idx ON imports (kind, sha256) WHERE state = 'done';
CREATE INDEX imports_kind_idx ON imports (kind, finished_at);
ALTER TABLE key_person_changes ADD CONSTRAINT key_person_changes_import_fk FOREIGN KEY (import_id) REFERENCES imports(id);

-- Входы в онлайн-версию: logins per client (and login) per period (a week, or a day).
CREATE TABLE online_usage (
  client_id     bigint NOT NULL REFERENCES clients(id),
  login         text NOT NULL DEFAULT '',
  period_start  date NOT NULL,
  period_end    date NOT NULL,
  logins        integer NOT NULL CONSTRAINT online_usage_logins_check CHECK (logins >= 0),
  import_id     bigint REFERENCES imports(id),
  PRIMARY KEY (client_id, login, period_start),
  CONSTRAINT online_usage_period_check CHECK (period_end >= period_start)
);
CREATE INDEX online_usage_period_idx ON online_usage (period_start);

-- Event tables below carry `natural_key`: the importer's identity of a row (client, date,
-- fields, and the ordinal among identical rows of one file), so re-imports are no-ops.

-- Обучение: a person trained in the system.
CREATE TABLE trainings (
  id           bigserial PRIMARY KEY,
  client_id    bigint NOT NULL REFERENCES clients(id),
  contact_id   bigint REFERENCES contacts(id),
  person_name  text NOT NULL,
  trained_on   date NOT NULL,
  topic        text,
  natural_key  text NOT NULL UNIQUE,
  import_id    bigint REFERENCES imports(id)
);
CREATE INDEX trainings_client_idx ON trainings (client_id, trained_on);

-- Посещение вебинаров / семинаров.
CREATE TABLE webinar_attendance (
  id           bigserial PRIMARY KEY,
  client_id    bigint NOT NULL REFERENCES clients(id),
  contact_id   bigint REFERENCES contacts(id),
  person_name  text NOT NULL,
  attended_on  date NOT NULL,
  webinar      text,
  natural_key  text NOT NULL UNIQUE,
  import_id    bigint REFERENCES imports(id)
);
CREATE INDEX webinar_attendance_client_idx ON webinar_attendance (client_id, attended_on);

-- Обращения в личном кабинете (ЛК).
CREATE TABLE lk_requests (
  id            bigserial PRIMARY KEY,
  client_id     bigint NOT NULL REFERENCES clients(id),
  requested_on  date NOT NULL,
  request_type  text,
  natural_key   text NOT NULL UNIQUE,
  import_id     bigint REFERENCES imports(id)
);
CREATE INDEX lk_requests_client_idx ON lk_requests (client_id, requested_on);

-- Горячая линия: questions and document orders.
CREATE TABLE hotline_requests (
  id            bigserial PRIMARY KEY,
  client_id     bigint NOT NULL REFERENCES clients(id),
  requested_on  date NOT NULL,
  kind          text NOT NULL DEFAULT 'question' CONSTRAINT hotline_requests_kind_check CHECK (kind IN ('question', 'document')),
  natural_key   text NOT NULL UNIQUE,
  import_id     bigint REFERENCES imports(id)
);
CREATE INDEX hotline_requests_client_idx ON hotline_requests (client_id, requested_on);

-- Начисления и оплаты by month.
CREATE TABLE payments (
  client_id  bigint NOT NULL REFERENCES clients(id),
  month      date NOT NULL CONSTRAINT payments_month_check CHECK (extract(day FROM month) = 1),
  charged    numeric(12, 2) NOT NULL,
  paid       numeric(12, 2) NOT NULL,
  debt       numeric(12, 2) NOT NULL,
  import_id  bigint REFERENCES imports(id),
  PRIMARY KEY (client_id, month)
);

-- ПриЗ: a task for an employee, created by a job or by hand. `dedup_key` is the
-- idempotency key of whatever created it (e.g. `lpr-call.<messageId>`).
CREATE TABLE tasks (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL,
  -- remote_contact (Дистанционный контакт), anti_competitor (Антиконкурент), upsell (Допродажа), service (Обслуживание)
  direction     text NOT NULL DEFAULT 'remote_contact' CONSTRAINT tasks_direction_check
                  CHECK (direction IN ('remote_contact', 'anti_competitor', 'upsell', 'service')),
  title         text NOT NULL,
  state         text NOT NULL DEFAULT 'open' CONSTRAINT tasks_state_check CHECK (state IN ('open', 'done', 'cancelled')),
  priority      integer NOT NULL DEFAULT 2,
  assignee_id   bigint REFERENCES employees(id),
  client_id     bigint REFERENCES clients(id),
  contact_id    bigint REFERENCES contacts(id),
  planned_at    timestamptz,
  due_at        timestamptz,
  outcome       text,
  note          text,
  -- the contact's answer to "what should we prepare for next time?"
  next_prep     text,
  payload       jsonb NOT NULL DEFAULT '{}',
  dedup_key     text NOT NULL UNIQUE,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  closed_at     timestamptz,
  closed_by     bigint REFERENCES employees(id)
);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id, state, due_at);
CREATE INDEX tasks_client_idx ON tasks (client_id, kind, state);

-- Работа: a contact event (call, e-mail, visit) — imported from the CRM or recorded here.
CREATE TABLE contact_events (
  id            bigserial PRIMARY KEY,
  client_id     bigint NOT NULL REFERENCES clients(id),
  contact_id    bigint REFERENCES contacts(id),
  contact_name  text,
  employee_id   bigint REFERENCES employees(id),
  crm_number    text UNIQUE,
  -- phone, email, visit, other
  channel       text NOT NULL DEFAULT 'phone',
  planned_at    timestamptz,
  occurred_at   timestamptz,
  -- planned, held, held_with_login, not_held
  outcome       text NOT NULL CONSTRAINT contact_events_outcome_check
                  CHECK (outcome IN ('planned', 'held', 'held_with_login', 'not_held', 'refused')),
  goal          text,
  note          text,
  result        text,
  task_id       bigint REFERENCES tasks(id),
  natural_key   text NOT NULL UNIQUE,
  import_id     bigint REFERENCES imports(id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_events_client_idx ON contact_events (client_id, occurred_at);

-- Weekly risk indicator («Фиксация отклонений»), one row per client and ISO week.
-- A component score is 0.20 / 0.30 / 0.50, or NULL when its source is stale or missing (н/д).
CREATE TABLE risk_scores (
  client_id         bigint NOT NULL REFERENCES clients(id),
  week              text NOT NULL CONSTRAINT risk_scores_week_check CHECK (week ~ '^\d{4}-W\d{2}$'),
  week_end          date NOT NULL,
  training          numeric(3, 2),
  training_reason   text,
  lk                numeric(3, 2),
  lk_reason         text,
  lpr_contact       numeric(3, 2),
  lpr_contact_reason text,
  logins            numeric(3, 2),
  logins_reason     text,
  webinars          numeric(3, 2),
  webinars_reason   text,
  indicator         numeric(5, 3),
  zone              text CONSTRAINT risk_scores_zone_check CHECK (zone IN ('high', 'dynamic', 'none')),
  indicator_delta   numeric(5, 3),
  stale_components  text[] NOT NULL DEFAULT '{}',
  categories        text[] NOT NULL DEFAULT '{}',
  computed_at       timestamptz NOT NULL,
  PRIMARY KEY (client_id, week)
);
CREATE INDEX risk_scores_week_idx ON risk_scores (week, zone);

-- Internal e-mails to employees (signal alerts, escalations, reminders, summaries):
-- an outbox row per e-mail, sent by the send-email job. `dedup_key` makes each one once.
CREATE TABLE notifications (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL,
  dedup_key     text NOT NULL UNIQUE,
  employee_id   bigint REFERENCES employees(id),
  to_email      text NOT NULL,
  subject       text NOT NULL,
  html          text NOT NULL,
  text_body     text NOT NULL,
  state         text NOT NULL DEFAULT 'queued' CONSTRAINT notifications_state_check
                  CHECK (state IN ('queued', 'sending', 'retry', 'sent', 'failed', 'unknown')),
  attempts      integer NOT NULL DEFAULT 0,
  smtp_response text,
  error         text,
  queued_at     timestamptz NOT NULL,
  sending_at    timestamptz,
  sent_at       timestamptz
);
CREATE INDEX notifications_state_idx ON notifications (state);

-- A worsening signal (→ traditional support, fast).
CREATE TABLE signals (
  id               bigserial PRIMARY KEY,
  client_id        bigint NOT NULL REFERENCES clients(id),
  kind             text NOT NULL,
  detected_at      timestamptz NOT NULL,
  summary          text NOT NULL,
  evidence         jsonb NOT NULL DEFAULT '{}',
  dedup_key        text NOT NULL UNIQUE,
  task_id          bigint REFERENCES tasks(id),
  notification_id  bigint REFERENCES notifications(id),
  emailed_at       timestamptz,
  acknowledged_at  timestamptz,
  acknowledged_by  text,
  escalated_at     timestamptz
);
CREATE INDEX signals_client_idx ON signals (client_id, kind, detected_at);

-- Конкурент found at a client.
CREATE TABLE competitor_findings (
  id                  bigserial PRIMARY KEY,
  client_id           bigint NOT NULL REFERENCES clients(id),
  competitor          text NOT NULL,
  valid_until         date,
  contact_name        text,
  note                text,
  found_at            timestamptz NOT NULL,
  found_by            bigint REFERENCES employees(id),
  -- admin, api, import, task
  source              text NOT NULL,
  diagnostics_task_id bigint REFERENCES tasks(id),
  dedup_key           text NOT NULL UNIQUE,
  field_notified_at   timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX competitor_findings_client_idx ON competitor_findings (client_id);

-- A mailing (e.g. the monthly decision-maker e-mail of 2024-06) and its compiled variants.
CREATE TABLE mailings (
  id          bigserial PRIMARY KEY,
  kind        text NOT NULL,
  period      text NOT NULL,
  subject     text NOT NULL,
  -- variant name → { html, text } compiled once by MJML
  variants    jsonb NOT NULL DEFAULT '{}',
  content     jsonb NOT NULL DEFAULT '{}',
  state       text NOT NULL DEFAULT 'sending' CONSTRAINT mailings_state_check CHECK (state IN ('sending', 'done')),
  created_at  timestamptz NOT NULL,
  UNIQUE (kind, period)
);

-- One e-mail of a mailing to one contact: the crash-safe outbox row.
CREATE TABLE messages (
  id             bigserial PRIMARY KEY,
  mailing_id     bigint NOT NULL REFERENCES mailings(id),
  contact_id     bigint NOT NULL REFERENCES contacts(id),
  client_id      bigint NOT NULL REFERENCES clients(id),
  variant        text NOT NULL,
  to_email       text NOT NULL,
  state          text NOT NULL DEFAULT 'queued' CONSTRAINT messages_state_check
                   CHECK (state IN ('queued', 'sending', 'retry', 'sent', 'bounced', 'failed', 'unknown', 'cancelled')),
  attempts       integer NOT NULL DEFAULT 0,
  smtp_response  text,
  error          text,
  bounce_kind    text CONSTRAINT messages_bounce_kind_check CHECK (bounce_kind IN ('hard', 'soft')),
  queued_at      timestamptz NOT NULL,
  sending_at     timestamptz,
  sent_at        timestamptz,
  bounced_at     timestamptz,
  UNIQUE (mailing_id, contact_id)
);
CREATE INDEX messages_state_idx ON messages (state);
CREATE INDEX messages_contact_idx ON messages (contact_id);

-- A link of a mailing (top question, document, review, collection, honeypot …).
CREATE TABLE links (
  id          bigserial PRIMARY KEY,
  mailing_id  bigint NOT NULL REFERENCES mailings(id),
  url         text NOT NULL,
  title       text,
  kind        text NOT NULL DEFAULT 'link',
  position    integer NOT NULL DEFAULT 0,
  UNIQUE (mailing_id, url)
);

-- A raw click on a tracked link; classified human / bot by the click-check job.
CREATE TABLE clicks (
  id           bigserial PRIMARY KEY,
  message_id   bigint NOT NULL REFERENCES messages(id),
  link_id      bigint NOT NULL REFERENCES links(id),
  clicked_at   timestamptz NOT NULL,
  method       text NOT NULL,
  user_agent   text,
  ip_prefix    text,
  is_bot       boolean,
  bot_reason   text,
  classified_at timestamptz
);
CREATE INDEX clicks_message_idx ON clicks (message_id, clicked_at);
CREATE INDEX clicks_unclassified_idx ON clicks (id) WHERE classified_at IS NULL;

-- One run of a periodic job for one period. UNIQUE(job, period) is the claim.
CREATE TABLE job_runs (
  id            bigserial PRIMARY KEY,
  job           text NOT NULL,
  period        text NOT NULL,
  trigger       text NOT NULL CONSTRAINT job_runs_trigger_check CHECK (trigger IN ('schedule', 'admin', 'catch-up', 'event')),
  state         text NOT NULL CONSTRAINT job_runs_state_check CHECK (state IN ('running', 'completed', 'failed')),
  attempts      integer NOT NULL DEFAULT 1,
  queue_job_id  text,
  owner         text,
  started_at    timestamptz NOT NULL,
  heartbeat_at  timestamptz NOT NULL,
  finished_at   timestamptz,
  stats         jsonb NOT NULL DEFAULT '{}',
  error         text,
  UNIQUE (job, period)
);
CREATE INDEX job_runs_started_idx ON job_runs (job, started_at DESC);
