-- grain: one row per current transaction or holding line of an owner group's filings
-- key: accession_number, source_table, table_kind, line_number
-- Which vehicle (positions.position_key) the line measures and the rule that decided it (transforms/vehicles.py):
-- holding_line, direct_lot, direct_same_filing, chained_balance, carried, direct, footnote_text, footnote_similar,
-- balance, words, words_ambiguous (a guess, for review), new_vehicle, statement (no security, no vehicle) or an
-- analyst's override_* (overrides/vehicles.csv). linked_* is the line it was joined to.
create table if not exists vehicle_decisions (
    issuer_cik BIGINT,
    owner_group_key VARCHAR,
    accession_number VARCHAR,
    source_table VARCHAR,
    table_kind VARCHAR,
    line_number INTEGER,
    event_date DATE,
    vehicle_key VARCHAR,
    security_key VARCHAR,
    rule VARCHAR,
    linked_accession_number VARCHAR,
    linked_source_table VARCHAR,
    linked_table_kind VARCHAR,
    linked_line_number INTEGER,
    detail VARCHAR
);
