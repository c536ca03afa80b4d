-- Migration 3: positions are keyed by vehicle (transforms/vehicles.py), no longer by title, D/I and nature; the
-- decisions and title aliases behind them get their tables, and an interval two filings disagree on is flagged.
-- Positions and beneficial ownership of every owner group must be rebuilt by the new rules: every filing is marked
-- pending with its parties, so the next run's model refresh rebuilds them all in its one transaction (until then
-- the old positions stay, flag_same_day_conflict NULL).
-- creates: vehicle_decisions, security_aliases
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
