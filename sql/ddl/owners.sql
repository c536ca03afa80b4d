-- grain: one row per owner CIK and validity interval of its name and address as filed
-- key: owner_cik, valid_from
create table if not exists owners (
    owner_cik BIGINT,
    owner_name VARCHAR,
    street1 VARCHAR,
    street2 VARCHAR,
    city VARCHAR,
    state VARCHAR,
    zip_code VARCHAR,
    country VARCHAR,
    valid_from TIMESTAMP,
    valid_to TIMESTAMP,
    source_accession_number VARCHAR
);
