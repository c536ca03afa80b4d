-- grain: one row per filing holding an owner group's first open-market purchase of an issuer in $quiet_years years
-- parameters: quiet_years = 2
-- scope: group
-- excludes: what counts_as_open_market excludes (flag_code_contradicts_direction, flag_price_outlier,
-- flag_amount_out_of_range). An alert screen (orchestration/sql/merge_alerts.sql fires each row once, as `alerts`).
-- Open-market purchases are code P of non-derivative securities, flagged rows left out. A filing fires when the group
-- bought nothing of the issuer in the $quiet_years years before its earliest purchase, and that quiet is known: the
-- group bought before that, or the warehouse's filings reach back that far (a warehouse holding one month cannot tell a
-- first purchase from the hundredth). The line named is the filing's largest purchase; the key is the filing an
-- amendment restates.
with purchases as (
    select accession_number, issuer_cik, owner_group_key, line_number, transaction_date, value
    from transaction_values
    where
        counts_as_open_market
        and transaction_code = 'P'
        and transaction_date is not null
        and in_model_scope(issuer_cik)
        and in_group_scope(issuer_cik, owner_group_key)
),

by_filing as (
    select
        issuer_cik,
        owner_group_key,
        accession_number,
        min(transaction_date) as first_date,
        first(line_number order by value desc nulls last, line_number) as line_number,
        sum(value) as value
    from purchases
    group by issuer_cik, owner_group_key, accession_number
),

with_previous as (
    select
        by_filing.*,
        (
            select max(earlier.transaction_date)
            from purchases as earlier
            where
                earlier.issuer_cik = by_filing.issuer_cik
                and earlier.owner_group_key = by_filing.owner_group_key
                and earlier.transaction_date < by_filing.first_date
        ) as previous_date
    from by_filing
),

coverage as (
    select min(filing_date) as first_filing_date from filings
)

select
    with_previous.issuer_cik,
    with_previous.accession_number,
    with_previous.owner_group_key,
    'non_derivative' as table_kind,
    with_previous.line_number,
    with_previous.first_date as event_date,
    with_previous.value,
    coalesce('previous purchase ' || with_previous.previous_date, 'no earlier purchase') as detail,
    coalesce(status.amends_accession_number, with_previous.accession_number) as alert_key
from with_previous
cross join coverage
inner join filing_status as status on status.accession_number = with_previous.accession_number
where
    case
        when with_previous.previous_date is not null
            then with_previous.previous_date
            <= with_previous.first_date - to_years(cast($quiet_years as integer))
        else coverage.first_filing_date <= with_previous.first_date - to_years(cast($quiet_years as integer))
    end
