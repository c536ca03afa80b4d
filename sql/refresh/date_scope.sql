-- reads: batch_accessions, batch_unrecorded, filings, load_scope_parties, refresh_changed_filings, refreshed_status, scoped_line_rows
-- writes: model_scope_days
-- reads as before: load_scope_parties
-- For the models over windows of days or months (`-- scope: date`): the earliest transaction date, per issuer,
-- whose lines this refresh changed (refresh_changed_filings: the batch's own and those whose amendment status
-- changed; their lines are all in scoped_line_rows). Rows those models date before it cannot differ.
-- A reloaded filing (a former party recorded) or one no load left pending (batch_unrecorded) may have had other
-- lines, whose dates are gone with them: its issuers, old and new, are recomputed in full ('-infinity').
-- Added to, not replaced, until published_warehouse clears them, like model_scope.
insert into model_scope_days
select status.issuer_cik, min(line.transaction_date) as changed_from
from scoped_line_rows as line
inner join refreshed_status as status on status.accession_number = line.accession_number
where
    line.source_table = 'transactions'
    and line.transaction_date is not null
    and line.accession_number in (select accession_number from refresh_changed_filings)
group by status.issuer_cik
union all
select cik as issuer_cik, '-infinity'::date as changed_from
from load_scope_parties
where
    role in ('issuer', 'former issuer')
    and accession_number in (
        select accession_number from load_scope_parties
        where
            role in ('former issuer', 'former owner')
            and accession_number in (select accession_number from batch_accessions)
    )
union all
select issuer_cik, '-infinity'::date as changed_from
from filings
where accession_number in (select accession_number from batch_unrecorded) and issuer_cik is not null;
