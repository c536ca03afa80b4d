-- One row per (accession_number, footnote_id) repeated in footnotes (expected: none).
select accession_number, footnote_id, count(*) as copies
from footnotes
group by accession_number, footnote_id
having count(*) > 1
