-- Delivery and click checks (issue 6): idempotent click events, the message an unsubscribe
-- came through, bounce events read from the bounce mailbox, and the mailbox-check ledger.

-- A click event carries the id the HTTP process gave it, so a batch re-sent after a lost
-- acknowledgement (PostgreSQL restarted mid-commit) is written once.
ALTER TABLE clicks ADD COLUMN event_id uuid;
CREATE UNIQUE INDEX clicks_event_idx ON clicks (event_id);
CREATE INDEX clicks_time_idx ON clicks (clicked_at);

-- The message whose unsubscribe link (or one-click POST) unsubscribed its contact.
ALTER TABLE messages ADD COLUMN unsubscribed_at timestamptz;

-- One returned message from the bounce mailbox that named one of our messages.
-- kind: hard (5.x.x, address dead), soft (4.x.x or mailbox full), policy (5.7.x: refused by
-- the receiver's policy, the address itself is fine), delayed (a warning, still being tried).
-- `source_key` (SHA-256 of the raw bytes) makes re-reading a bounce after a crash between the
-- commit and the IMAP move a no-op.
CREATE TABLE bounce_events (
  id           bigserial PRIMARY KEY,
  source_key   text NOT NULL UNIQUE,
  message_id   bigint NOT NULL REFERENCES messages(id),
  contact_id   bigint NOT NULL REFERENCES contacts(id),
  kind         text NOT NULL CONSTRAINT bounce_events_kind_check CHECK (kind IN ('hard', 'soft', 'policy', 'delayed')),
  status       text,
  diagnostic   text,
  recipient    text,
  -- how the bounce was read: rfc3464, postfix, exim, exchange, gmail, yandex, mailru, text
  format       text NOT NULL,
  -- how the message was found: verp or message-id
  matched_by   text NOT NULL CONSTRAINT bounce_events_matched_check CHECK (matched_by IN ('verp', 'message-id')),
  received_at  timestamptz,
  processed_at timestamptz NOT NULL
);
CREATE INDEX bounce_events_contact_idx ON bounce_events (contact_id, kind);
CREATE INDEX bounce_events_message_idx ON bounce_events (message_id);

-- One run of delivery-check against the bounce mailbox (or the note that none is configured).
CREATE TABLE mailbox_checks (
  id            bigserial PRIMARY KEY,
  checked_at    timestamptz NOT NULL,
  outcome       text NOT NULL CONSTRAINT mailbox_checks_outcome_check CHECK (outcome IN ('ok', 'not_configured', 'error')),
  mailbox       text,
  fetched       integer NOT NULL DEFAULT 0,
  hard          integer NOT NULL DEFAULT 0,
  soft          integer NOT NULL DEFAULT 0,
  policy        integer NOT NULL DEFAULT 0,
  delayed       integer NOT NULL DEFAULT 0,
  auto_replies  integer NOT NULL DEFAULT 0,
  -- e-mails to the List-Unsubscribe mailto (unsubscribe+<token>@…)
  unsubscribes  integer NOT NULL DEFAULT 0,
  review        integer NOT NULL DEFAULT 0,
  suppressed    integer NOT NULL DEFAULT 0,
  error         text
);
CREATE INDEX mailbox_checks_time_idx ON mailbox_checks (checked_at DESC);
