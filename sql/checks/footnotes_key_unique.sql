-- asset: footnotes
-- severity: error
-- One row per (accession_number, footnote_id) repeated in footnotes (expected: none); filings of the last load only.
select accession_number, footnote_id, count(*) as copies
from load_scope_rows('footnotes')
group by accession_number, footnote_id
having count(*) > 1
