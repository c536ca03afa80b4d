-- Replace what the batch's index days contributed; run inside one transaction.
-- Inputs: batch_index_days(index_date, status, index_path, entry_count, closure_reason) and batch_index_entries.
delete from index_entries
where accession_number in (select accession_number from batch_index_entries);
delete from index_days where index_date in (select index_date from batch_index_days);
insert into index_entries by name select * from batch_index_entries;
insert into index_days by name select * from batch_index_days;
