-- Replace what the batch's index days contributed; run inside one transaction.
-- Inputs: batch_index_days(index_date, status, index_path, entry_count, closure_reason) and batch_index_entries.
-- A day already loaded keeps its row when a rerun cannot reach its index (missing, not_published): an outage
-- must not erase what was read before.
delete from index_entries
where accession_number in (select accession_number from batch_index_entries);
delete from index_days
where
    index_date in (select index_date from batch_index_days where status in ('loaded', 'closed'))
    or (index_date in (select index_date from batch_index_days) and status <> 'loaded');
insert into index_entries by name select * from batch_index_entries;
insert into index_days by name
select * from batch_index_days as batch
where not exists (select 1 from index_days as known where known.index_date = batch.index_date);
