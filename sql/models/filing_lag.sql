-- grain: one row per filing that reports transactions: business days from its earliest transaction to its filing
-- scope: filing
-- A Form 4 is due before the end of the second business day after the transaction (Exchange Act §16(a)(2)(C),
-- Rule 16a-3(g)); the deemed execution date, when given, starts the clock instead. EDGAR business days exclude
-- every federal holiday. Amendments are measured too but never counted late.
with triggers as (
    select
        lines.accession_number,
        min(coalesce(lines.deemed_execution_date, lines.transaction_date)) as first_trade_date
    from transactions as lines
    where
        in_model_scope(lines.filing_issuer_cik)
        and lines.accession_number in (
            select accession_number from filings where in_model_scope(issuer_cik) and in_filing_scope(accession_number)
        )
    group by lines.accession_number
)

select
    filings.accession_number,
    filings.form_type,
    filings.issuer_cik,
    triggers.first_trade_date,
    filings.filing_date,
    filed.business_day_number - traded.business_day_number as lag_business_days,
    filings.form_type = '4' and filed.business_day_number - traded.business_day_number > 2 as is_late_form4
from filings
inner join triggers on triggers.accession_number = filings.accession_number
inner join calendar as filed on filed.day = filings.filing_date
inner join calendar as traded on traded.day = triggers.first_trade_date
-- Redundant with the refresh's own filter, which DuckDB applies only after joining every filing.
where in_model_scope(filings.issuer_cik) and in_filing_scope(filings.accession_number)
