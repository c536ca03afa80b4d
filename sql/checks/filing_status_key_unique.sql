-- asset: filing_status
-- severity: error
-- One row per accession_number repeated in filing_status (expected: none); the last refresh's issuers and filings.
select accession_number, count(*) as copies
from filing_status
where
    issuer_cik in (select issuer_cik from model_scope)
    or accession_number in (select accession_number from load_scope)
group by accession_number
having count(*) > 1
