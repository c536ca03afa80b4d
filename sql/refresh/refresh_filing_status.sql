-- reads: batch_issuers, filings, scoped_filings, status_before_refresh
-- writes: filing_status, refreshed_status, scoped_filing_facts
-- Rebuild filing_status for the filings of the batch's owner groups (scoped_filings, group_scope.sql), in the
-- caller's transaction; the batch's old rows go too (a reloaded filing may have left its group or its issuer).
-- Amendment rule: a 3/A, 4/A or 5/A amends the filing of the same issuer, the same owner set and the same base
-- form that was filed on its dateOfOriginalSubmission (the latest such filing accepted before it). It supersedes
-- only what it restates: the original's transactions when it reports transactions, its holdings when it reports
-- holdings. A later amendment of the same original supersedes an earlier one in the same way.
-- The rows replaced are those status_before_refresh.sql kept; the issuer filter finds them by integer first.
-- Filings of one event time (the data sets carry a filing date, not an acceptance time) are told apart by
-- accession number, so that the same filings give the same status on every run.
delete from filing_status
where
    issuer_cik in (select issuer_cik from batch_issuers)
    and accession_number in (select accession_number from status_before_refresh);
-- The groups' filings as filed, read once: the status below and the positions (refresh_positions.sql) use them.
create or replace temp table scoped_filing_facts as
select
    filings.accession_number,
    filings.form_type,
    filings.issuer_cik,
    filings.date_of_original_submission,
    filings.transaction_count,
    filings.holding_count,
    filings.acceptance_datetime,
    filings.filing_date,
    filings.period_of_report,
    scoped.owner_ciks,
    scoped.owner_group_key
from filings
inner join scoped_filings as scoped on scoped.accession_number = filings.accession_number
where filings.issuer_cik in (select issuer_cik from batch_issuers);
-- Kept as refreshed_status, the columns of filing_status in its order (filing_scope.sql compares the two by
-- position): filing_scope.sql and the positions read the new rows from it instead of finding them again among
-- every filing's. Created by its query, never empty and then filled: in DuckDB 2.0.0 a table created by an empty
-- CREATE TABLE AS inside a transaction drops an insert of more than one row group (122,880 rows) while counting it.
create or replace temp table refreshed_status as
with grouped as (
    select
        accession_number,
        form_type,
        issuer_cik,
        date_of_original_submission,
        transaction_count,
        holding_count,
        coalesce(acceptance_datetime, filing_date::timestamp) as event_time,
        filing_date,
        form_type like '%/A' as is_amendment,
        replace(form_type, '/A', '') as base_form,
        owner_ciks,
        owner_group_key
    from scoped_filing_facts
),

links as (
    select
        amendment.accession_number,
        original.accession_number as amends_accession_number
    from grouped as amendment
    inner join grouped as original
        on
            original.issuer_cik = amendment.issuer_cik
            and original.owner_group_key = amendment.owner_group_key
            and original.form_type = amendment.base_form
            and original.filing_date = amendment.date_of_original_submission
            and original.event_time < amendment.event_time
    where amendment.is_amendment
    qualify
        row_number() over (
            partition by amendment.accession_number
            order by original.event_time desc, original.accession_number desc
        ) = 1
),

family as (
    select
        grouped.*,
        links.amends_accession_number,
        coalesce(links.amends_accession_number, grouped.accession_number) as family_root
    from grouped
    left join links on links.accession_number = grouped.accession_number
),

restating as (
    select
        member.accession_number,
        arg_max(later.accession_number, (later.event_time, later.accession_number)) filter (
            where later.transaction_count > 0
        ) as transactions_superseded_by,
        arg_max(later.accession_number, (later.event_time, later.accession_number)) filter (
            where later.holding_count > 0
        ) as holdings_superseded_by
    from family as member
    left join family as later
        on
            later.family_root = member.family_root
            and later.amends_accession_number is not null
            and later.event_time > member.event_time
    group by member.accession_number
)

select
    family.accession_number,
    family.form_type,
    family.issuer_cik,
    family.owner_group_key,
    family.owner_ciks,
    family.event_time,
    family.is_amendment,
    family.amends_accession_number,
    case
        when not family.is_amendment then 'original'
        when family.amends_accession_number is not null then 'linked'
        else 'unlinked'
    end as link_status,
    restating.transactions_superseded_by,
    restating.holdings_superseded_by
from family
inner join restating on restating.accession_number = family.accession_number;
insert into filing_status by name select * from refreshed_status;
