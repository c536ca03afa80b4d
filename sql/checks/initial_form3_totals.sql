-- asset: beneficial_ownership
-- severity: error
-- One row per security of an initial Form 3 (of the last refresh's issuers, no other filing of its owner group on
-- its date) whose non-derivative holding lines do not add up to the group's beneficial ownership on that date.
-- Every table is narrowed to the scoped issuers before any join, so a night reads its issuers' rows only.
with decisions as (
    select issuer_cik, owner_group_key, accession_number, source_table, table_kind, line_number, event_date,
        vehicle_key, security_key
    from vehicle_decisions
    where issuer_cik in (select issuer_cik from model_scope)
),

initial as (
    select status.accession_number, status.issuer_cik, status.owner_group_key, filings.period_of_report as day
    from filing_status as status
    inner join filings on filings.accession_number = status.accession_number
    where
        status.issuer_cik in (select issuer_cik from model_scope)
        and status.form_type = '3'
        and status.holdings_superseded_by is null
        and filings.period_of_report is not null
        and filings.issuer_cik in (select issuer_cik from model_scope)
),

alone as (
    select * from initial
    where not exists (
        select 1
        from decisions
        where
            decisions.issuer_cik = initial.issuer_cik
            and decisions.owner_group_key = initial.owner_group_key
            and decisions.event_date = initial.day
            and decisions.accession_number <> initial.accession_number
    )
),

filed as (
    select alone.accession_number, alone.issuer_cik, alone.owner_group_key, alone.day, decisions.security_key,
        sum(holdings.shares_owned_following_transaction) as filed_shares
    from alone
    inner join decisions on decisions.accession_number = alone.accession_number
    inner join holdings
        on
            holdings.accession_number = decisions.accession_number
            and holdings.table_kind = decisions.table_kind
            and holdings.line_number = decisions.line_number
    where
        decisions.source_table = 'holdings'
        and decisions.table_kind = 'non_derivative'
        and decisions.vehicle_key is not null
        and holdings.accession_number in (select accession_number from alone)
    group by all
),

owned as (
    select issuer_cik, owner_group_key, security_key, valid_from, valid_to, total_shares
    from beneficial_ownership
    where issuer_cik in (select issuer_cik from model_scope)
)

select filed.accession_number, filed.security_key, filed.filed_shares, owned.total_shares
from filed
left join owned
    on
        owned.issuer_cik = filed.issuer_cik
        and owned.owner_group_key = filed.owner_group_key
        and owned.security_key = filed.security_key
        and owned.valid_from <= filed.day
        and (owned.valid_to is null or owned.valid_to > filed.day)
where owned.total_shares is distinct from filed.filed_shares
