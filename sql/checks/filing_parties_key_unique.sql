-- asset: filing_parties
-- severity: error
-- One row per (accession_number, party_position) repeated in filing_parties (expected: none); filings of the last load only.
select accession_number, party_position, count(*) as copies
from load_scope_rows('filing_parties')
group by accession_number, party_position
having count(*) > 1
