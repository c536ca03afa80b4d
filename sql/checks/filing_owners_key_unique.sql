-- One row per (accession_number, owner_cik) repeated in filing_owners (expected: none).
select accession_number, owner_cik, count(*) as copies
from filing_owners
group by accession_number, owner_cik
having count(*) > 1
