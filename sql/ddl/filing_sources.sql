-- grain: one row per loaded filing
-- key: accession_number
-- Where every row of the filing's tables came from: 'filing' (its own submission, parsed) or 'f345' (the SEC's
-- Form 345 data set of f345_quarter). The filing itself is the authority: its arrival replaces the f345 rows of
-- the accession, and a data set never replaces a filing's. A row is replaced with its filing's rows.
create table if not exists filing_sources (
    accession_number VARCHAR,
    source VARCHAR,
    f345_quarter VARCHAR,
    loaded_at TIMESTAMP
);
