-- reads: batch_issuers, filing_status, filings
-- writes: issuers
-- Rebuild the name and symbol history of the scoped issuers: consecutive filings (by acceptance time) that state
-- the same name and symbol form one interval. Symbols that are placeholders, not tickers, become NULL. Filings of
-- one instant (the Form 345 data sets give a filing date, not an acceptance time) count once, the last accession's
-- statement: an interval has a length.
delete from issuers where issuer_cik in (select issuer_cik from batch_issuers);
insert into issuers by name
with stated as (
    select
        status.issuer_cik,
        filings.issuer_name,
        nullif(trim(filings.issuer_trading_symbol), '') as trading_symbol_as_filed,
        status.event_time,
        status.accession_number
    from filing_status as status
    inner join filings on filings.accession_number = status.accession_number
    -- filing_status copies its issuer from filings: scoping both sides changes no row, and DuckDB then finds the
    -- filings by their integer issuer instead of probing every accession.
    where
        status.issuer_cik in (select issuer_cik from batch_issuers)
        and filings.issuer_cik in (select issuer_cik from batch_issuers)
    qualify
        row_number() over (partition by status.issuer_cik, status.event_time order by status.accession_number desc)
        = 1
),

normalized as (
    select
        *,
        case
            when upper(regexp_replace(trading_symbol_as_filed, '[^A-Za-z]', '', 'g'))
                in ('NONE', 'NA', 'NOTAPPLICABLE', 'NOTICKER', 'NOSYMBOL', 'NOTRADINGSYMBOL', 'NOTLISTED', 'N')
                then null
            when regexp_matches(trading_symbol_as_filed, '^[\s\-_.*]*$') then null
            else upper(trading_symbol_as_filed)
        end as trading_symbol
    from stated
),

changes as (
    select
        *,
        coalesce(
            lag(issuer_name) over ordered is distinct from issuer_name
            or lag(trading_symbol) over ordered is distinct from trading_symbol,
            true
        ) as starts_interval
    from normalized
    window ordered as (partition by issuer_cik order by event_time, accession_number)
),

starts as (
    select * from changes where starts_interval
)

select
    issuer_cik,
    issuer_name,
    trading_symbol,
    trading_symbol_as_filed,
    event_time as valid_from,
    lead(event_time) over (partition by issuer_cik order by event_time, accession_number) as valid_to,
    accession_number as source_accession_number
from starts;
