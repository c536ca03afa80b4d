-- One row per (accession_number, table_kind, line_number) repeated in holdings (expected: none).
select accession_number, table_kind, line_number, count(*) as copies
from holdings
group by accession_number, table_kind, line_number
having count(*) > 1
