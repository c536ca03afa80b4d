-- asset: schedule13_persons
-- severity: error
-- One row per (accession_number, person_position) repeated in schedule13_persons, or a person whose filing is not
-- in schedule13_filings (expected: none).
select accession_number, person_position, count(*) as copies
from schedule13_persons
group by accession_number, person_position
having count(*) > 1 or accession_number not in (select accession_number from schedule13_filings)
