-- Issue 23: the CRM's «Пол» of a contact person, when the export has it ('m' / 'f'; NULL:
-- unknown). The signals' sentences agree with it («ушла», «пришёл»); without it the patronymic
-- tells (src/domain/gender.ts).
ALTER TABLE contacts
  ADD COLUMN gender text CONSTRAINT contacts_gender_check CHECK (gender IN ('m', 'f'));
