-- Filings per issuer of a SQL model's refresh, to cut it into chunks of whole issuers: every filing of every issuer
-- for a full build; for an incremental one, the scope's filings of each issuer of the scope (none: weight 0).
select scope.issuer_cik, count(status.accession_number) as filings
from (
    select issuer_cik from model_scope where not $full
    union
    select distinct issuer_cik from filing_status where $full
) as scope
left join filing_status as status
    on
        status.issuer_cik = scope.issuer_cik
        and ($full or status.accession_number in (select accession_number from model_scope_filings))
group by scope.issuer_cik
