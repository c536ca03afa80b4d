-- grain: one row per accession named by an EDGAR index as a Form 3/4/5 or /A
-- key: accession_number
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
