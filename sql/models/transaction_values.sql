-- grain: one row per current transaction line (amendments applied), with its value and data-quality flags
-- parameters: price_outlier_ratio = 0.5
-- scope: filing
-- value is shares × price, NULL (never 0) when either is missing. Flags mark rows whose data contradict
-- themselves; the rows stay, and each model says which flags it excludes. counts_as_open_market is the one rule of
-- what the open-market metrics count (P and S of Table I, unflagged): the models of buying and selling read it. shares, price and shares_after are NULL
-- where the filed figure is beyond the models' range (sql/views/model_amounts.sql): flag_amount_out_of_range.
with lines as (
    select
        current_lines.accession_number,
        current_lines.table_kind,
        current_lines.line_number,
        current_lines.issuer_cik,
        current_lines.owner_group_key,
        current_lines.owner_ciks,
        current_lines.event_time,
        current_lines.form_type,
        filings.filing_date,
        filings.aff10b5_one,
        current_lines.security_title,
        current_lines.transaction_date,
        current_lines.deemed_execution_date,
        current_lines.transaction_code,
        current_lines.transaction_acquired_disposed_code as acquired_disposed,
        model_amount(current_lines.transaction_shares) as shares,
        model_amount(current_lines.transaction_price_per_share) as price,
        model_amount(current_lines.shares_owned_following_transaction) as shares_after,
        out_of_model_range(current_lines.transaction_shares)
        or out_of_model_range(current_lines.transaction_price_per_share)
        or out_of_model_range(current_lines.shares_owned_following_transaction) as flag_amount_out_of_range,
        current_lines.direct_or_indirect_ownership,
        current_lines.nature_of_ownership
    from transactions_current as current_lines
    inner join filings on filings.accession_number = current_lines.accession_number
    -- Every filing in scope is one of an issuer in scope: the issuer filters change no row, and let DuckDB use the
    -- integer issuer first and skip other issuers' row groups (an accession probe alone reads every row group).
    where
        in_filing_scope(current_lines.accession_number)
        and in_filing_scope(filings.accession_number)
        and in_model_scope(current_lines.issuer_cik)
        and in_model_scope(current_lines.filing_issuer_cik)
        and in_model_scope(filings.issuer_cik)
),

filing_prices as (
    select
        accession_number,
        transaction_code,
        median(price) as median_price,
        count(price) as priced_lines
    from lines
    where price > 0
    group by accession_number, transaction_code
),

flagged as (
    select
        lines.*,
        round(lines.shares * lines.price, 6) as value,
        case lines.acquired_disposed when 'A' then lines.shares when 'D' then -lines.shares end as signed_shares,
        coalesce(
            (lines.transaction_code = 'P' and lines.acquired_disposed = 'D')
            or (lines.transaction_code = 'S' and lines.acquired_disposed = 'A'),
            false
        ) as flag_code_contradicts_direction,
        coalesce(
            prices.priced_lines >= 2
            and lines.price > 0
            and abs(lines.price - prices.median_price) > $price_outlier_ratio * prices.median_price,
            false
        ) as flag_price_outlier,
        coalesce(lines.filing_date < lines.transaction_date, false) as flag_filed_before_transaction,
        coalesce(lines.shares_after < 0, false) as flag_negative_shares_after
    from lines
    left join filing_prices as prices
        on prices.accession_number = lines.accession_number and prices.transaction_code = lines.transaction_code
)

select
    *,
    -- The open-market trades every metric of insider buying and selling counts: purchases (P) and sales (S) of
    -- non-derivative securities, none of whose figures contradict themselves.
    coalesce(
        transaction_code in ('P', 'S')
        and table_kind = 'non_derivative'
        and not flag_code_contradicts_direction
        and not flag_price_outlier
        and not flag_amount_out_of_range,
        false
    ) as counts_as_open_market
from flagged
