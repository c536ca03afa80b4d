-- One row per form type loaded: filings, distinct issuers and the rows they contributed.
select
    filings.form_type,
    count(*) as filings,
    count(distinct filings.issuer_cik) as issuers,
    sum(filings.owner_count) as owners,
    sum(filings.transaction_count) as transactions,
    sum(filings.holding_count) as holdings,
    sum(filings.footnote_count) as footnotes
from filings
group by filings.form_type
order by filings.form_type
