-- One row per position interval (of the last refresh's issuers) whose source line is not a line of a loaded filing (expected: none).
select positions.position_key, positions.valid_from, positions.source_accession_number
from positions
where positions.issuer_cik in (select issuer_cik from model_scope) and not exists (
    select 1 from transactions
    where
        positions.source_table = 'transactions'
        and transactions.accession_number = positions.source_accession_number
        and transactions.line_number = positions.source_line_number
    union all
    select 1 from holdings
    where
        positions.source_table = 'holdings'
        and holdings.accession_number = positions.source_accession_number
        and holdings.line_number = positions.source_line_number
)
