-- Coverage, not only age (issue 22): the span of data each import covers. `covers_declared`:
-- the export declared its period (the OLAP settings block's «Период: с … по …», or `import
-- <kind> FILE --from D [--to D]`); otherwise the span is the rows' earliest and latest date, and
-- readers extend it to the day of the import (an export lists everything up to the day taken).
ALTER TABLE imports
  ADD COLUMN covers_from date,
  ADD COLUMN covers_to date,
  ADD COLUMN covers_declared boolean NOT NULL DEFAULT false;

-- Earlier imports: their rows' span, as the summary recorded it.
UPDATE imports
   SET covers_from = (summary ->> 'from')::date, covers_to = (summary ->> 'to')::date
 WHERE state = 'done'
   AND kind IN ('lk-requests', 'contact-events', 'webinars', 'online-usage', 'hotline', 'payments')
   AND summary ->> 'from' ~ '^\d{4}-\d{2}-\d{2}$' AND summary ->> 'to' ~ '^\d{4}-\d{2}-\d{2}$';

CREATE INDEX imports_coverage_idx ON imports (kind) WHERE state = 'done' AND covers_from IS NOT NULL;
