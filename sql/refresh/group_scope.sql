-- reads: batch_accessions, batch_issuers, batch_unrecorded, filing_owners, filing_status, filings, load_scope_parties, model_scope_groups
-- writes: batch_filing_groups, batch_groups, batch_status_before, model_scope_groups, scoped_filings
-- reads as before: filing_status, load_scope_parties
-- The owner groups (issuer and set of reporting owners) whose amendment links, positions and beneficial ownership
-- the batch can change, and the filings of those groups; temp tables for this session, after scope.sql.
-- An amendment only ever links to a filing of its own issuer and owner group, and a position belongs to one group,
-- so a night rebuilds the history of the groups that filed, not of every insider of each issuer that filed.
-- A reloaded filing counts in the group it was in and in the group it is in now.
-- The batch's filings as they are now: issuer and owner group (the sorted distinct reporting owners), from the
-- parties their load recorded; only a filing no load left pending (batch_unrecorded) is looked up in the filing
-- tables, and with none such DuckDB skips those scans.
create or replace temp table batch_filing_groups as
with recorded as (
    select
        accession_number,
        any_value(cik) filter (where role = 'issuer') as issuer_cik,
        list_sort(list(distinct cik) filter (where role = 'owner')) as owner_ciks
    from load_scope_parties
    where
        accession_number in (select accession_number from batch_accessions)
        and accession_number not in (select accession_number from batch_unrecorded)
    group by accession_number
),

unrecorded_owners as (
    select
        accession_number,
        list_sort(list(distinct owner_cik) filter (where owner_cik is not null)) as owner_ciks
    from filing_owners
    where accession_number in (select accession_number from batch_unrecorded)
    group by accession_number
),

unrecorded as (
    select filings.accession_number, filings.issuer_cik, owners.owner_ciks
    from filings
    left join unrecorded_owners as owners on owners.accession_number = filings.accession_number
    where filings.accession_number in (select accession_number from batch_unrecorded)
),

current_parties as (
    select * from recorded
    union all
    select * from unrecorded
)

select
    accession_number,
    issuer_cik,
    coalesce(owner_ciks, []) as owner_ciks,
    array_to_string(coalesce(owner_ciks, []), '-') as owner_group_key
from current_parties
where issuer_cik is not null;
-- The batch's filings as the last refresh saw them (none for a new filing): the rows the refresh replaces.
-- filing_status copies its issuer from filings, so the issuer filter finds them without probing every accession.
create or replace temp table batch_status_before as
select * from filing_status
where
    issuer_cik in (select issuer_cik from batch_issuers)
    and accession_number in (select accession_number from batch_accessions);
create or replace temp table batch_groups as
select issuer_cik, owner_group_key from batch_filing_groups
union
select issuer_cik, owner_group_key from batch_status_before;
-- Kept after the run, as model_scope: the SQL models keyed by owner group recompute these groups only.
insert into model_scope_groups
select issuer_cik, owner_group_key from batch_groups
where (issuer_cik, owner_group_key) not in (select issuer_cik, owner_group_key from model_scope_groups);
-- Every filing of those groups with its group: the batch's as they are now, the others as filing_status has them
-- (their owners did not change: only a load changes a filing's rows, and the batch holds every filing loaded since
-- the last refresh).
create or replace temp table scoped_filings as
select accession_number, issuer_cik, owner_ciks, owner_group_key from batch_filing_groups
union all
select status.accession_number, status.issuer_cik, status.owner_ciks, status.owner_group_key
from filing_status as status
where
    status.issuer_cik in (select issuer_cik from batch_issuers)
    and (status.issuer_cik, status.owner_group_key) in (select issuer_cik, owner_group_key from batch_groups)
    and status.accession_number not in (select accession_number from batch_accessions);
