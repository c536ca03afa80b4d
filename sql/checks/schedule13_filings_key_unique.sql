-- asset: schedule13_filings
-- severity: error
-- One row per accession_number repeated in schedule13_filings (expected: none).
select accession_number, count(*) as copies
from schedule13_filings
group by accession_number
having count(*) > 1
