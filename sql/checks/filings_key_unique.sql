-- asset: filings
-- severity: error
-- One row per accession_number that appears more than once in filings (expected: none); filings of the last load only.
select accession_number, count(*) as copies
from load_scope_filings()
group by accession_number
having count(*) > 1
