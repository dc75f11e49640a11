-- Two unspliced indicator series (issue 22): the change since last week within churnguard's own
-- series and within the CRM's, beside the acting value's (`indicator_delta`, now also within the
-- acting series: null where that series has no value the week before, never a switch of source).
ALTER TABLE risk_scores
  ADD COLUMN computed_delta numeric(5, 3),
  ADD COLUMN crm_delta numeric(5, 3);

-- Existing rows: the changes recomputed within each series (the previous ISO week by its date).
WITH prev AS (
  SELECT rs.client_id, rs.week,
         p.computed_indicator AS p_computed,
         d.indicator AS p_crm
    FROM risk_scores rs
    LEFT JOIN risk_scores p
      ON p.client_id = rs.client_id AND p.week = to_char(to_date(rs.week, 'IYYY-"W"IW') - 7, 'IYYY-"W"IW')
    LEFT JOIN crm_deviations d
      ON d.client_id = rs.client_id AND d.week = to_char(to_date(rs.week, 'IYYY-"W"IW') - 7, 'IYYY-"W"IW')
)
UPDATE risk_scores rs
   SET computed_delta = rs.computed_indicator - prev.p_computed,
       crm_delta = rs.crm_indicator - prev.p_crm,
       indicator_delta = CASE WHEN rs.indicator_source = 'crm' THEN rs.crm_indicator - prev.p_crm
                              ELSE rs.computed_indicator - prev.p_computed END
  FROM prev
 WHERE prev.client_id = rs.client_id AND prev.week = rs.week;
