-- Migration 9: the filing tables' rows carry the issuer their filing names (filing_issuer_cik), so that a night
-- finds its issuers' lines by an integer DuckDB can skip row groups on instead of scanning every accession. Rows
-- already loaded get it from their filing; a row whose filing is not in filings keeps NULL, as a new load gives it.
alter table filing_owners add column if not exists filing_issuer_cik BIGINT;
alter table transactions add column if not exists filing_issuer_cik BIGINT;
alter table holdings add column if not exists filing_issuer_cik BIGINT;
alter table footnotes add column if not exists filing_issuer_cik BIGINT;
alter table filing_parties add column if not exists filing_issuer_cik BIGINT;
update filing_owners set filing_issuer_cik = filings.issuer_cik
from filings where filings.accession_number = filing_owners.accession_number;
update transactions set filing_issuer_cik = filings.issuer_cik
from filings where filings.accession_number = transactions.accession_number;
update holdings set filing_issuer_cik = filings.issuer_cik
from filings where filings.accession_number = holdings.accession_number;
update footnotes set filing_issuer_cik = filings.issuer_cik
from filings where filings.accession_number = footnotes.accession_number;
update filing_parties set filing_issuer_cik = filings.issuer_cik
from filings where filings.accession_number = filing_parties.accession_number;
