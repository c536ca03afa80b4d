-- Migration 4: the SEC's Form 345 data sets. filing_sources says where each loaded filing's rows came from (its
-- own submission, or a quarter's data set); every filing loaded before it came from its own submission.
-- f345_reconciliation holds how a quarter's set agrees with the filings loaded both ways.
create table if not exists filing_sources (
    accession_number VARCHAR,
    source VARCHAR,
    f345_quarter VARCHAR,
    loaded_at TIMESTAMP
);
insert into filing_sources
select accession_number, 'filing' as source, null as f345_quarter, now()::timestamp as loaded_at
from filings;
create table if not exists f345_reconciliation (
    f345_quarter VARCHAR,
    table_name VARCHAR,
    column_name VARCHAR,
    compared BIGINT,
    agreeing BIGINT,
    rows_only_in_f345 BIGINT,
    rows_only_in_filing BIGINT,
    example_accession_number VARCHAR,
    example_key VARCHAR,
    f345_value VARCHAR,
    filing_value VARCHAR,
    computed_at TIMESTAMP
);
