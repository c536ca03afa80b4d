-- grain: one row per Schedule 13D or 13G filing, amendments included
-- key: accession_number
-- The SGML header's facts (subject company, filer, group members) for every filing; the cover page's for those
-- filed in XML (since 2024-12-18). A filing from before (SC 13D, SC 13G: HTML or text) is header_only.
create table if not exists schedule13_filings (
    accession_number VARCHAR,
    form_type VARCHAR,
    schedule VARCHAR,
    is_amendment BOOLEAN,
    header_only BOOLEAN,
    filing_date DATE,
    acceptance_datetime TIMESTAMP,
    subject_cik BIGINT,
    subject_name VARCHAR,
    filer_cik BIGINT,
    filer_name VARCHAR,
    group_members VARCHAR[],
    schema_version VARCHAR,
    previous_accession_number VARCHAR,
    amendment_number INTEGER,
    class_title VARCHAR,
    event_date DATE,
    issuer_cik BIGINT,
    issuer_name VARCHAR,
    issuer_cusips VARCHAR[],
    rules VARCHAR[],
    purpose VARCHAR,
    five_percent_or_less BOOLEAN,
    person_count INTEGER,
    flags VARCHAR[]
);
