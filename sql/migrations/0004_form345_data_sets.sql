-- Migration 4: the SEC's Form 345 data sets. filing_sources says where each loaded filing's rows came from (its
-- own submission, or a quarter's data set); every filing loaded before it came from its own submission.
-- f345_reconciliation holds how a quarter's set agrees with the filings loaded both ways.
-- creates: filing_sources, f345_reconciliation
insert into filing_sources by name
select accession_number, 'filing' as source, null as f345_quarter, now()::timestamp as loaded_at
from filings;
