-- Issue 20: the monthly e-mail in daily waves. Each message may wait for its own wave
-- (the working day that puts the call after it where the specialist's plan has room);
-- NULL: the mailing's send_after, as before.
ALTER TABLE messages ADD COLUMN send_after timestamptz;
