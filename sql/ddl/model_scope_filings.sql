-- grain: one row per filing whose line-level derived rows the model refreshes since the last publish may change
-- key: accession_number
-- Pipeline state, not an analytics table: the refreshed filings and those whose filing_status row (amendment
-- links, supersession, owner group) the refreshes changed. SQL models keyed by filing (`-- scope: filing`)
-- recompute these filings only, not every filing of the night's issuers, whose history can be years long.
create table if not exists model_scope_filings (
    accession_number VARCHAR
);
