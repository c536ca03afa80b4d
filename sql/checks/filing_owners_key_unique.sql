-- asset: filing_owners
-- severity: error
-- One row per (accession_number, owner_cik) repeated in filing_owners (expected: none); filings of the last load only.
select accession_number, owner_cik, count(*) as copies
from load_scope_rows('filing_owners')
group by accession_number, owner_cik
having count(*) > 1
