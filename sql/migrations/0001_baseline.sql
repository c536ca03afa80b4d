-- Migration 1, the baseline: every table as release 78b0e43 created it (the last release before schema versions).
-- A warehouse without a schema_version table runs this first: 'if not exists' fills in only what an older one lacks.

-- beneficial_ownership.sql
create table if not exists beneficial_ownership (
    issuer_cik BIGINT,
    owner_group_key VARCHAR,
    owner_ciks BIGINT[],
    security_key VARCHAR,
    valid_from DATE,
    valid_to DATE,
    direct_shares DECIMAL(38, 6),
    indirect_shares DECIMAL(38, 6),
    total_shares DECIMAL(38, 6),
    vehicles INTEGER
);

-- calendar.sql
create table if not exists calendar (
    day DATE,
    is_business_day BOOLEAN,
    closure_reason VARCHAR,
    business_day_number INTEGER
);

-- filing_owners.sql
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
    other_text VARCHAR
);

-- filing_parties.sql
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
    header_values STRUCT(section VARCHAR, "key" VARCHAR, "value" VARCHAR)[]
);

-- filing_status.sql
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

-- filings.sql
create table if not exists filings (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    form_type VARCHAR,
    filing_date DATE,
    acceptance_datetime TIMESTAMP,
    header_period_of_report DATE,
    header_issuer_cik BIGINT,
    header_reporting_owner_ciks BIGINT[],
    primary_document VARCHAR,
    schema_version VARCHAR,
    document_type VARCHAR,
    period_of_report DATE,
    date_of_original_submission DATE,
    no_securities_owned BOOLEAN,
    not_subject_to_section16 BOOLEAN,
    form3_holdings_reported BOOLEAN,
    form4_transactions_reported BOOLEAN,
    aff10b5_one BOOLEAN,
    issuer_cik BIGINT,
    issuer_name VARCHAR,
    issuer_trading_symbol VARCHAR,
    issuer_foreign_trading_symbol VARCHAR,
    remarks VARCHAR,
    owner_count INTEGER,
    transaction_count INTEGER,
    holding_count INTEGER,
    footnote_count INTEGER,
    unknown_element_count INTEGER,
    unparsed_values STRUCT(field VARCHAR, raw VARCHAR)[],
    raw_sha256 VARCHAR,
    raw_bytes BIGINT
);

-- footnotes.sql
create table if not exists footnotes (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    footnote_id VARCHAR,
    footnote_text VARCHAR
);

-- holdings.sql
create table if not exists holdings (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    table_kind VARCHAR,
    line_number INTEGER,
    security_title VARCHAR,
    security_title_footnote_ids VARCHAR[],
    transaction_form_type VARCHAR,
    conversion_or_exercise_price DECIMAL(38, 6),
    conversion_or_exercise_price_footnote_ids VARCHAR[],
    exercise_date DATE,
    exercise_date_footnote_ids VARCHAR[],
    expiration_date DATE,
    expiration_date_footnote_ids VARCHAR[],
    underlying_security_title VARCHAR,
    underlying_security_title_footnote_ids VARCHAR[],
    underlying_security_shares DECIMAL(38, 6),
    underlying_security_shares_footnote_ids VARCHAR[],
    underlying_security_value DECIMAL(38, 6),
    underlying_security_value_footnote_ids VARCHAR[],
    shares_owned_following_transaction DECIMAL(38, 6),
    shares_owned_following_transaction_footnote_ids VARCHAR[],
    value_owned_following_transaction DECIMAL(38, 6),
    value_owned_following_transaction_footnote_ids VARCHAR[],
    direct_or_indirect_ownership VARCHAR,
    direct_or_indirect_ownership_footnote_ids VARCHAR[],
    nature_of_ownership VARCHAR,
    nature_of_ownership_footnote_ids VARCHAR[],
    transaction_coding_footnote_ids VARCHAR[],
    values_given_by_footnote VARCHAR[]
);

-- index_days.sql
create table if not exists index_days (
    index_date DATE,
    status VARCHAR,
    index_path VARCHAR,
    entry_count INTEGER,
    closure_reason VARCHAR
);

-- index_entries.sql
create table if not exists index_entries (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    form_type VARCHAR,
    date_filed DATE,
    cik BIGINT,
    company_name VARCHAR,
    file_name VARCHAR,
    filer_ciks BIGINT[],
    index_path VARCHAR,
    index_line INTEGER
);

-- ingest_failures.sql
create table if not exists ingest_failures (
    subject VARCHAR,
    stage VARCHAR,
    reason VARCHAR,
    detail VARCHAR,
    url VARCHAR,
    partition_date DATE,
    attempts INTEGER,
    first_seen TIMESTAMP,
    last_seen TIMESTAMP,
    resolved_at TIMESTAMP
);

-- issuers.sql
create table if not exists issuers (
    issuer_cik BIGINT,
    issuer_name VARCHAR,
    trading_symbol VARCHAR,
    trading_symbol_as_filed VARCHAR,
    valid_from TIMESTAMP,
    valid_to TIMESTAMP,
    source_accession_number VARCHAR
);

-- load_scope.sql
create table if not exists load_scope (
    accession_number VARCHAR
);

-- load_scope_parties.sql
create table if not exists load_scope_parties (
    accession_number VARCHAR,
    role VARCHAR,
    cik BIGINT
);

-- model_pending.sql
create table if not exists model_pending (
    accession_number VARCHAR
);

-- model_scope.sql
create table if not exists model_scope (
    issuer_cik BIGINT
);

-- model_scope_days.sql
create table if not exists model_scope_days (
    issuer_cik BIGINT,
    changed_from DATE
);

-- model_scope_filings.sql
create table if not exists model_scope_filings (
    accession_number VARCHAR
);

-- model_scope_groups.sql
create table if not exists model_scope_groups (
    issuer_cik BIGINT,
    owner_group_key VARCHAR
);

-- model_versions.sql
create table if not exists model_versions (
    model_name VARCHAR,
    digest VARCHAR,
    built_at TIMESTAMP
);

-- owners.sql
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

-- positions.sql
create table if not exists positions (
    position_key VARCHAR,
    issuer_cik BIGINT,
    owner_group_key VARCHAR,
    owner_ciks BIGINT[],
    security_key VARCHAR,
    security_title VARCHAR,
    table_kind VARCHAR,
    conversion_or_exercise_price DECIMAL(38, 6),
    expiration_date DATE,
    direct_or_indirect_ownership VARCHAR,
    nature_of_ownership VARCHAR,
    valid_from DATE,
    valid_to DATE,
    shares DECIMAL(38, 6),
    value DECIMAL(38, 6),
    is_reported BOOLEAN,
    source_accession_number VARCHAR USING COMPRESSION uncompressed,
    source_table VARCHAR,
    source_line_number INTEGER
);

-- securities.sql
create table if not exists securities (
    security_title VARCHAR,
    security_key VARCHAR,
    security_class VARCHAR,
    share_class_label VARCHAR,
    first_accession_number VARCHAR
);

-- signatures.sql
create table if not exists signatures (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    line_number INTEGER,
    signature_name VARCHAR,
    signature_date DATE
);

-- transaction_codes.sql
create table if not exists transaction_codes (
    transaction_code VARCHAR,
    meaning VARCHAR,
    category VARCHAR,
    is_open_market BOOLEAN
);

-- transactions.sql
create table if not exists transactions (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    table_kind VARCHAR,
    line_number INTEGER,
    security_title VARCHAR,
    security_title_footnote_ids VARCHAR[],
    transaction_date DATE,
    transaction_date_footnote_ids VARCHAR[],
    deemed_execution_date DATE,
    deemed_execution_date_footnote_ids VARCHAR[],
    transaction_form_type VARCHAR,
    transaction_code VARCHAR,
    equity_swap_involved BOOLEAN,
    transaction_timeliness VARCHAR,
    transaction_timeliness_footnote_ids VARCHAR[],
    transaction_shares DECIMAL(38, 6),
    transaction_shares_footnote_ids VARCHAR[],
    transaction_total_value DECIMAL(38, 6),
    transaction_total_value_footnote_ids VARCHAR[],
    transaction_price_per_share DECIMAL(38, 6),
    transaction_price_per_share_footnote_ids VARCHAR[],
    transaction_acquired_disposed_code VARCHAR,
    transaction_acquired_disposed_code_footnote_ids VARCHAR[],
    conversion_or_exercise_price DECIMAL(38, 6),
    conversion_or_exercise_price_footnote_ids VARCHAR[],
    exercise_date DATE,
    exercise_date_footnote_ids VARCHAR[],
    expiration_date DATE,
    expiration_date_footnote_ids VARCHAR[],
    underlying_security_title VARCHAR,
    underlying_security_title_footnote_ids VARCHAR[],
    underlying_security_shares DECIMAL(38, 6),
    underlying_security_shares_footnote_ids VARCHAR[],
    underlying_security_value DECIMAL(38, 6),
    underlying_security_value_footnote_ids VARCHAR[],
    shares_owned_following_transaction DECIMAL(38, 6),
    shares_owned_following_transaction_footnote_ids VARCHAR[],
    value_owned_following_transaction DECIMAL(38, 6),
    value_owned_following_transaction_footnote_ids VARCHAR[],
    direct_or_indirect_ownership VARCHAR,
    direct_or_indirect_ownership_footnote_ids VARCHAR[],
    nature_of_ownership VARCHAR,
    nature_of_ownership_footnote_ids VARCHAR[],
    transaction_coding_footnote_ids VARCHAR[],
    values_given_by_footnote VARCHAR[]
);

-- unknown_elements.sql
create table if not exists unknown_elements (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    element_number INTEGER,
    path VARCHAR,
    xml VARCHAR
);
