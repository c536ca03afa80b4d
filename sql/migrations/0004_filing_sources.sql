-- Migration 4: filing_sources says where each loaded filing's rows came from (its own submission, or the SEC's
-- Form 345 data sets). Every filing loaded before it came from its own submission.
create table if not exists filing_sources (
    accession_number VARCHAR,
    source VARCHAR,
    f345_quarter VARCHAR,
    loaded_at TIMESTAMP
);
insert into filing_sources
select accession_number, 'filing' as source, null as f345_quarter, now()::timestamp as loaded_at
from filings;
