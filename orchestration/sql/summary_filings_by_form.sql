-- One row per form type loaded: filings, distinct issuers and the rows they contributed (a Schedule 13D/G's owners
-- are its reporting persons; it has no transactions, holdings or footnotes).
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
union all
select
    form_type,
    count(*) as filings,
    count(distinct coalesce(issuer_cik, subject_cik)) as issuers,
    sum(person_count) as owners,
    null as transactions,
    null as holdings,
    null as footnotes
from schedule13_filings
group by form_type
order by form_type
