-- Issue 13: a contact's frequency can be higher than monthly («Звонить 2 р в месяц»). The
-- interval between contacts in days when it is shorter than a month; monthly and longer stays
-- in contact_frequency_months (what the monthly e-mail counts).
ALTER TABLE contacts
  ADD COLUMN contact_interval_days integer
    CONSTRAINT contacts_interval_days_check CHECK (contact_interval_days BETWEEN 1 AND 730);
