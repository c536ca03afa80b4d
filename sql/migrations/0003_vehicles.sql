-- Migration 3: positions are keyed by vehicle (transforms/vehicles.py), no longer by title, D/I and nature; the
-- decisions and title aliases behind them get their tables, and an interval two filings disagree on is flagged.
-- Positions and beneficial ownership of every owner group must be rebuilt by the new rules: every filing is marked
-- pending with its parties, so the next run's model refresh rebuilds them all in its one transaction (until then
-- the old positions stay, flag_same_day_conflict NULL).
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
create table if not exists security_aliases (
    issuer_cik BIGINT,
    owner_group_key VARCHAR,
    table_kind VARCHAR,
    security_title VARCHAR,
    title_key VARCHAR,
    security_key VARCHAR,
    rule VARCHAR
);
alter table positions add column flag_same_day_conflict BOOLEAN;
insert into load_scope_parties
select accession_number, 'issuer' as role, issuer_cik as cik
from filings
where issuer_cik is not null and accession_number not in (select accession_number from model_pending)
union all
select owners.accession_number, 'owner' as role, owners.owner_cik as cik
from filing_owners as owners
where owners.owner_cik is not null and owners.accession_number not in (select accession_number from model_pending);
insert into model_pending
select accession_number from filings
where accession_number not in (select accession_number from model_pending);
