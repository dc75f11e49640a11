-- The monthly decision-maker contact (ЛПР): the month's content loaded by `admin content load`,
-- a mailing's attachments copied with it (sent from PostgreSQL, so any worker on any machine
-- has them), and the instant a mailing may start sending.

-- The content of one mailing kind and month: content.json as validated, and its files.
CREATE TABLE mailing_contents (
  kind       text NOT NULL,
  period     text NOT NULL CONSTRAINT mailing_contents_period_check CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  content    jsonb NOT NULL,
  -- over content.json and every file: a reload of the same folder changes nothing
  sha256     text NOT NULL,
  source     text NOT NULL,
  loaded_at  timestamptz NOT NULL,
  PRIMARY KEY (kind, period)
);

CREATE TABLE mailing_content_files (
  kind          text NOT NULL,
  period        text NOT NULL,
  file_name     text NOT NULL,
  content_type  text NOT NULL,
  bytes         bytea NOT NULL,
  sha256        text NOT NULL,
  PRIMARY KEY (kind, period, file_name),
  FOREIGN KEY (kind, period) REFERENCES mailing_contents (kind, period) ON DELETE CASCADE
);

-- Thematic collections (подборки) attached to every e-mail of a mailing: a snapshot taken
-- when the mailing is created, so reloading the content never changes queued e-mails.
CREATE TABLE mailing_attachments (
  mailing_id    bigint NOT NULL REFERENCES mailings(id),
  position      integer NOT NULL,
  file_name     text NOT NULL,
  title         text,
  content_type  text NOT NULL,
  bytes         bytea NOT NULL,
  sha256        text NOT NULL,
  PRIMARY KEY (mailing_id, position)
);

-- A mailing created on a day off starts sending on the next working day.
ALTER TABLE mailings ADD COLUMN send_after timestamptz;

-- lpr-call-tasks looks for messages sent (or bounced) a few working days ago.
CREATE INDEX messages_sent_at_idx ON messages (sent_at) WHERE state IN ('sent', 'bounced');
CREATE INDEX messages_bounced_at_idx ON messages (bounced_at) WHERE state = 'bounced';
