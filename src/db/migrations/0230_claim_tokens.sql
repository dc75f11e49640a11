-- Which attempt claimed a row now `sending` (issue 25): a claim whose commit PostgreSQL took but
-- whose answer was lost (a crash right after COMMIT) is given back by the worker that made it,
-- and by no other — a row claimed by a worker that then died stays `sending` and becomes `unknown`.
ALTER TABLE messages ADD COLUMN claim_token uuid;
ALTER TABLE notifications ADD COLUMN claim_token uuid;
