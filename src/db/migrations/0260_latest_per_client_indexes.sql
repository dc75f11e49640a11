-- Issue 21: after a year the daily signals scan and the hourly engagement roll-up read every
-- held contact and every sent message since the start, to keep only each client's latest few.
-- These indexes let them read, per client or contact, only the latest rows.

-- The last held contact with a key person, and the last held calls (src/db/signal-facts.ts).
CREATE INDEX IF NOT EXISTS contact_events_held_idx ON contact_events (client_id, occurred_at DESC, id DESC)
  WHERE outcome IN ('held', 'held_with_login');

-- The freshness of the contact events written by the diary (src/db/source-times.ts).
CREATE INDEX IF NOT EXISTS contact_events_diary_time_idx ON contact_events (occurred_at)
  WHERE import_id IS NULL AND outcome <> 'planned';

-- A contact's last delivered mailings (click-check's engagement, src/db/clicks.ts).
CREATE INDEX IF NOT EXISTS messages_contact_sent_idx ON messages (contact_id, sent_at DESC, id DESC)
  WHERE state = 'sent';
