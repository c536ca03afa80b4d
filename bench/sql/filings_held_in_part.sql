-- How many filings hold other than their own counts of transactions, holdings, owners and footnotes (expected: 0).
select count(*) from filings
where
    transaction_count <> (select count(*) from transactions as t where t.accession_number = filings.accession_number)
    or holding_count <> (select count(*) from holdings as h where h.accession_number = filings.accession_number)
    or owner_count <> (select count(*) from filing_owners as o where o.accession_number = filings.accession_number)
    or footnote_count <> (select count(*) from footnotes as n where n.accession_number = filings.accession_number)
