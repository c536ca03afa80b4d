-- grain: one row per issuer or reporting owner a pending filing (model_pending) names, before and after its load
-- key: accession_number, role, cik
-- Pipeline state, not an analytics table: the model refresh scopes itself to these issuers and owners without
-- reading the filing tables (on 10M lines, finding a night's filings by accession costs 0.2 s a table).
-- role: issuer | owner (named by the filing as loaded now: its owner group) | former issuer | former owner (named
-- by rows a reload replaced, so an issuer or owner a filing no longer names is refreshed too). Kept, like
-- model_pending, until the refresh that consumes it.
create table if not exists load_scope_parties (
    accession_number VARCHAR,
    role VARCHAR,
    cik BIGINT
);
