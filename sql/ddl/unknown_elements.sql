-- grain: one row per XML element outside the ownership specification, kept verbatim
-- key: accession_number, element_number
create table if not exists unknown_elements (
    accession_number VARCHAR USING COMPRESSION uncompressed,
    element_number INTEGER,
    path VARCHAR,
    xml VARCHAR
);
