-- reads: batch_accessions, holdings, refreshed_status, transactions
-- writes: scoped_line_rows
-- The transaction and holding lines the refresh reads, found in one pass over each table (a lookup by accession
-- reads the table's whole accession column): those of the groups' filings (refreshed_status), for the positions
-- and the changed dates, and those of the batch's own, for new security titles (a batch filing without an issuer
-- is in no group).
-- The positions then read their lines by rowid: a join on accession alone makes DuckDB read every column of every
-- line of the warehouse.
create or replace temp table scoped_line_rows as
with scoped_accessions as (
    select accession_number from refreshed_status
    union
    select accession_number from batch_accessions
)

select 'transactions' as source_table, rowid as row_id, accession_number, security_title, transaction_date
from transactions
where accession_number in (select accession_number from scoped_accessions)
union all
select 'holdings' as source_table, rowid as row_id, accession_number, security_title, null as transaction_date
from holdings
where accession_number in (select accession_number from scoped_accessions);
