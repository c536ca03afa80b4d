-- grain: one row per issuer or reporting owner a filing of the last filing_tables run names, as loaded
-- key: accession_number, role, cik
-- Pipeline state, not an analytics table: the model refresh that follows a load scopes itself to these issuers and
-- owners without reading the filing tables (on 10M lines, finding a night's filings by accession costs 0.2 s a table).
create table if not exists load_scope_parties (
    accession_number VARCHAR,
    role VARCHAR,
    cik BIGINT
);
