-- asset: holdings
-- severity: error
-- One row per (accession_number, table_kind, line_number) repeated in holdings (expected: none); filings of the last load only.
select accession_number, table_kind, line_number, count(*) as copies
from load_scope_rows('holdings')
group by accession_number, table_kind, line_number
having count(*) > 1
