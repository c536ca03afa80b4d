-- asset: filings
-- severity: error
-- One row per accession_number that appears more than once in filings (expected: none); filings of the last load only.
select accession_number, count(*) as copies
from filings
where accession_number in (select accession_number from load_scope)
group by accession_number
having count(*) > 1
