-- grain: one row per filing whose open-market sales by a CEO or CFO add up to at least $min_value
-- parameters: min_value = 1000000
-- scope: filing
-- excludes: what counts_as_open_market excludes (flag_code_contradicts_direction, flag_price_outlier,
-- flag_amount_out_of_range). An alert screen (orchestration/sql/merge_alerts.sql fires each row once, as `alerts`). The
-- officer is read from the officer title as filed: CEO, CFO, Chief Executive/Financial Officer, Principal
-- Executive/Financial Officer, in any case and combination ("Chairman & CEO", "SVP/CFO", "Co-CEO"). Open-market sales
-- are code S of non-derivative securities, summed per filing, flagged rows left out; the line named is the largest
-- sale. The key is the filing an amendment restates, so a 4/A that changes the sale revises this alert instead of
-- firing another.
with sales as (
    select accession_number, issuer_cik, owner_group_key, line_number, transaction_date, value
    from transaction_values
    where
        counts_as_open_market
        and transaction_code = 'S'
        and value > 0
        and in_model_scope(issuer_cik)
        and in_filing_scope(accession_number)
),

-- The sales' owners first, then the title test: the pattern on every owner of the warehouse cost more than the
-- lookup itself. Materialized, so DuckDB does not push the pattern down into the scan of filing_owners.
sale_owners as materialized (
    select accession_number, owner_position, officer_title
    from filing_owners
    where in_model_scope(filing_issuer_cik) and accession_number in (select accession_number from sales)
),

executives as (
    select accession_number, string_agg(trim(officer_title), '; ' order by owner_position) as titles
    from sale_owners
    where
        regexp_matches(
            officer_title,
            '(?i)\bco-?ceo\b|\bceo\b|\bcfo\b|chief\s+(executive|financial)\s+officer|principal\s+(executive|financial)\s+officer'
        )
    group by accession_number
),

-- Filing status of the scope's issuers first (materialized: their row groups only), then the sales' filings.
status as materialized (
    select accession_number, amends_accession_number
    from filing_status
    where in_model_scope(issuer_cik)
)

select
    sales.issuer_cik,
    sales.accession_number,
    any_value(sales.owner_group_key) as owner_group_key,
    'non_derivative' as table_kind,
    first(sales.line_number order by sales.value desc, sales.line_number) as line_number,
    min(sales.transaction_date) as event_date,
    sum(sales.value) as value,
    any_value(executives.titles) as detail,
    coalesce(any_value(status.amends_accession_number), sales.accession_number) as alert_key
from sales
inner join executives on executives.accession_number = sales.accession_number
inner join status on status.accession_number = sales.accession_number
group by sales.issuer_cik, sales.accession_number
having sum(sales.value) >= $min_value
