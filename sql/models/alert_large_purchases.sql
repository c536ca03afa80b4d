-- grain: one row per filing whose open-market purchases by an officer or director add up to at least $min_value
-- parameters: min_value = 100000
-- scope: filing
-- excludes: what counts_as_open_market excludes (flag_code_contradicts_direction, flag_price_outlier,
-- flag_amount_out_of_range). An alert screen (orchestration/sql/merge_alerts.sql fires each row once, as `alerts`).
-- Open-market purchases are code P of non-derivative securities; the rows flagged as contradicting themselves
-- (direction, price outlier, amount out of range) count for nothing. A filing's purchases are summed: one trade
-- reported as ten lines at ten prices is one purchase. The line named is the filing's largest purchase. The key is the
-- filing an amendment restates, so a 4/A that changes the purchase revises this alert instead of firing another.
with purchases as (
    select accession_number, issuer_cik, owner_group_key, line_number, transaction_date, value
    from transaction_values
    where
        counts_as_open_market
        and transaction_code = 'P'
        and value > 0
        and in_model_scope(issuer_cik)
        and in_filing_scope(accession_number)
),

-- The purchases' owners first, then the role test (materialized: the test on every owner of the warehouse cost
-- more than the lookup itself).
purchase_owners as materialized (
    select accession_number, owner_position, is_director, is_officer, officer_title
    from filing_owners
    where in_model_scope(filing_issuer_cik) and accession_number in (select accession_number from purchases)
),

insiders as (
    select
        accession_number,
        string_agg(
            concat_ws(', ', case when is_director then 'Director' end, nullif(trim(officer_title), '')),
            '; '
            order by owner_position
        ) as roles
    from purchase_owners
    where is_director or is_officer
    group by accession_number
),

-- Filing status of the scope's issuers first (materialized: their row groups only), then the purchases' filings.
status as materialized (
    select accession_number, amends_accession_number
    from filing_status
    where in_model_scope(issuer_cik)
)

select
    purchases.issuer_cik,
    purchases.accession_number,
    any_value(purchases.owner_group_key) as owner_group_key,
    'non_derivative' as table_kind,
    first(purchases.line_number order by purchases.value desc, purchases.line_number) as line_number,
    min(purchases.transaction_date) as event_date,
    sum(purchases.value) as value,
    any_value(insiders.roles) as detail,
    coalesce(any_value(status.amends_accession_number), purchases.accession_number) as alert_key
from purchases
inner join insiders on insiders.accession_number = purchases.accession_number
inner join status on status.accession_number = purchases.accession_number
group by purchases.issuer_cik, purchases.accession_number
having sum(purchases.value) >= $min_value
