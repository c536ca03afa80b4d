-- grain: one row per issuer CIK and validity interval of its name and trading symbol as filed
-- key: issuer_cik, valid_from
-- valid_from/valid_to are acceptance times (New York); valid_to is NULL for the current row. Junk symbols (NONE,
-- N/A, …) are NULL in trading_symbol and kept in trading_symbol_as_filed.
create table if not exists issuers (
    issuer_cik BIGINT,
    issuer_name VARCHAR,
    trading_symbol VARCHAR,
    trading_symbol_as_filed VARCHAR,
    valid_from TIMESTAMP,
    valid_to TIMESTAMP,
    source_accession_number VARCHAR
);
