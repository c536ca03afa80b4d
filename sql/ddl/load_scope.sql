-- grain: one row per filing the last run that loaded filings (nightly or history) replaced
-- key: accession_number
-- Pipeline state, not an analytics table: the key checks of the filing tables that run after a load verify these
-- filings only (every key includes the accession number, so no other filing's rows can have changed).
create table if not exists load_scope (
    accession_number VARCHAR
);
