-- CRM exports as they really are (issue 11).
--
-- Role flags and consent may be unknown: an export without the column «ЛПР», «ЛВПР»,
-- «Ключевой пользователь», «Пользователь системы» or «Согласие на рассылку» records NULL for a
-- new person (never a guessed «Нет») and keeps what an earlier import knew.
ALTER TABLE contacts ALTER COLUMN is_lpr DROP NOT NULL,
                     ALTER COLUMN is_lvpr DROP NOT NULL,
                     ALTER COLUMN is_key_user DROP NOT NULL,
                     ALTER COLUMN is_system_user DROP NOT NULL,
                     ALTER COLUMN consent DROP NOT NULL;

-- Data-quality problems of one field, the row imported all the same. `email_problem` says why
-- an address with email_status 'invalid' cannot be written to; `invalid_values` keeps other
-- fields' values as the CRM gave them (column → value), for `report contacts --problems`.
ALTER TABLE contacts ADD COLUMN email_problem text,
                     ADD COLUMN invalid_values jsonb NOT NULL DEFAULT '{}';

-- Clients the desk works with actively: served, and not leaving (liquidation, reorganisation).
-- A leaving client keeps its signals to field support (served_clients) but gets no
-- diagnostics task, monthly e-mail or risk-review task.
CREATE VIEW working_clients AS
  SELECT * FROM clients WHERE state NOT IN ('disconnected', 'liquidation', 'reorganization');
