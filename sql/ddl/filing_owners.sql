-- grain: one row per reporting owner of a filing (up to 10)
-- key: accession_number, owner_cik
create table if not exists filing_owners (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    owner_position INTEGER,
    owner_cik BIGINT,
    owner_ccc VARCHAR,
    owner_name VARCHAR,
    street1 VARCHAR,
    street2 VARCHAR,
    city VARCHAR,
    state VARCHAR,
    zip_code VARCHAR,
    state_description VARCHAR,
    good_address BOOLEAN,
    non_us_address_flag BOOLEAN,
    non_us_state_territory VARCHAR,
    country VARCHAR,
    is_director BOOLEAN,
    is_officer BOOLEAN,
    is_ten_percent_owner BOOLEAN,
    is_other BOOLEAN,
    officer_title VARCHAR,
    other_text VARCHAR,
    filing_issuer_cik BIGINT
);
