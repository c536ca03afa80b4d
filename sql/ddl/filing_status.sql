-- grain: one row per filing: its owner group, the filing it amends and which of its rows later amendments replace
-- key: accession_number
-- link_status: original | linked (an amendment whose original was found) | unlinked (an amendment whose original
-- is not in the warehouse). *_superseded_by names the amendment that restates that part of the filing.
create table if not exists filing_status (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    form_type VARCHAR,
    issuer_cik BIGINT,
    owner_group_key VARCHAR,
    owner_ciks BIGINT[],
    event_time TIMESTAMP,
    is_amendment BOOLEAN,
    amends_accession_number VARCHAR,
    link_status VARCHAR,
    transactions_superseded_by VARCHAR,
    holdings_superseded_by VARCHAR
);
