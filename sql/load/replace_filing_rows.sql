-- Replace every row of the batch's filings in all filing tables; run inside one transaction.
-- Inputs (registered by the caller): batch_accessions(accession_number) and batch_<table> frames.
delete from filings where accession_number in (select accession_number from batch_accessions);
delete from filing_owners where accession_number in (select accession_number from batch_accessions);
delete from transactions where accession_number in (select accession_number from batch_accessions);
delete from holdings where accession_number in (select accession_number from batch_accessions);
delete from footnotes where accession_number in (select accession_number from batch_accessions);
delete from signatures where accession_number in (select accession_number from batch_accessions);
delete from filing_parties where accession_number in (select accession_number from batch_accessions);
delete from unknown_elements where accession_number in (select accession_number from batch_accessions);
insert into filings by name select * from batch_filings;
insert into filing_owners by name select * from batch_filing_owners;
insert into transactions by name select * from batch_transactions;
insert into holdings by name select * from batch_holdings;
insert into footnotes by name select * from batch_footnotes;
insert into signatures by name select * from batch_signatures;
insert into filing_parties by name select * from batch_filing_parties;
insert into unknown_elements by name select * from batch_unknown_elements;
insert into load_scope select distinct accession_number from batch_accessions;
