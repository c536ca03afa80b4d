-- grain: one row per reporting person (cover page) of a Schedule 13D or 13G filed in XML
-- key: accession_number, person_position
-- The persons of one filing overlap (a parent, its funds and its manager each report the same shares): their
-- amounts are never to be summed.
create table if not exists schedule13_persons (
    accession_number VARCHAR,
    person_position INTEGER,
    person_name VARCHAR,
    person_cik BIGINT,
    no_cik BOOLEAN,
    member_of_group VARCHAR,
    citizenship VARCHAR,
    sole_voting_power DECIMAL(38, 6),
    shared_voting_power DECIMAL(38, 6),
    sole_dispositive_power DECIMAL(38, 6),
    shared_dispositive_power DECIMAL(38, 6),
    aggregate_amount DECIMAL(38, 6),
    excludes_certain_shares BOOLEAN,
    percent_of_class DECIMAL(38, 6),
    type_codes VARCHAR[],
    funds_sources VARCHAR[],
    comment VARCHAR
);
