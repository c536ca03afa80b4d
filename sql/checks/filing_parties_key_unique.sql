-- One row per (accession_number, party_position) repeated in filing_parties (expected: none).
select accession_number, party_position, count(*) as copies
from filing_parties
group by accession_number, party_position
having count(*) > 1
