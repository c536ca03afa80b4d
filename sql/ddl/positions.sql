-- grain: one row per vehicle (what one line's "owned following" figure measures) and validity interval
-- key: position_key, valid_from
-- position_key is the vehicle (vehicle_decisions.vehicle_key: which lines measure it and why). [valid_from,
-- valid_to) in event dates; valid_to NULL means still held as last reported (silence closes nothing).
-- security_key is the security's alias key (security_aliases). is_reported is false when the line gave no figure
-- and the previous one was carried forward. flag_same_day_conflict: two filings reported the vehicle on that day
-- with different figures; the one accepted last holds (see docs/design.md, "Vehicles").
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
    source_line_number INTEGER,
    flag_same_day_conflict BOOLEAN
);
