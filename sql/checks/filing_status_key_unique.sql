-- One row per accession_number repeated in filing_status (expected: none).
select accession_number, count(*) as copies
from filing_status
group by accession_number
having count(*) > 1
