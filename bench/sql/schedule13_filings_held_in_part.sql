-- How many Schedule 13D/G filings hold other than their own count of reporting persons (expected: 0).
select count(*) from schedule13_filings as filings
where person_count <> (select count(*) from schedule13_persons as p where p.accession_number = filings.accession_number)
