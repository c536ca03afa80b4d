-- grain: one row per owner signature
-- key: accession_number, line_number
create table if not exists signatures (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    line_number INTEGER,
    signature_name VARCHAR,
    signature_date DATE
);
