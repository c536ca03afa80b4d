-- One row per accession_number that appears more than once in filings (expected: none).
select accession_number, count(*) as copies
from filings
group by accession_number
having count(*) > 1
