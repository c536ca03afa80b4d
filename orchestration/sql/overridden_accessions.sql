-- The filings holding a line an analyst's override decided at the last refresh (vehicle_decisions.rule).
select distinct accession_number
from vehicle_decisions
where rule like 'override%'
