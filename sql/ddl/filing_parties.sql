-- grain: one row per filer role named in a filing's SGML header (reporting owner, issuer, subject company, filed by)
-- key: accession_number, party_position
-- The header as EDGAR keeps it: CIK, conformed name, addresses, former names; every other header pair stays in
-- header_values verbatim.
create table if not exists filing_parties (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    party_position INTEGER,
    role VARCHAR,
    cik BIGINT,
    name VARCHAR,
    organization_name VARCHAR,
    standard_industrial_classification VARCHAR,
    irs_number VARCHAR,
    state_of_incorporation VARCHAR,
    fiscal_year_end VARCHAR,
    filing_form_type VARCHAR,
    sec_act VARCHAR,
    sec_file_number VARCHAR,
    film_number VARCHAR,
    business_street1 VARCHAR,
    business_street2 VARCHAR,
    business_city VARCHAR,
    business_state VARCHAR,
    business_zip VARCHAR,
    business_phone VARCHAR,
    mail_street1 VARCHAR,
    mail_street2 VARCHAR,
    mail_city VARCHAR,
    mail_state VARCHAR,
    mail_zip VARCHAR,
    former_names STRUCT(former_name VARCHAR, date_of_change DATE)[],
    header_values STRUCT(section VARCHAR, "key" VARCHAR, "value" VARCHAR)[],
    filing_issuer_cik BIGINT
);
