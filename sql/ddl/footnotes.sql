-- grain: one row per footnote
-- key: accession_number, footnote_id
create table if not exists footnotes (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    footnote_id VARCHAR,
    footnote_text VARCHAR,
    filing_issuer_cik BIGINT
);
