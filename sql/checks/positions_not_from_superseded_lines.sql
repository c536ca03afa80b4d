-- asset: positions
-- severity: blocking
-- One row per position interval (of the last refresh's issuers) sourced from a line a later amendment restated (expected: none).
with scoped_positions as materialized (
    select position_key, valid_from, source_accession_number, source_table
    from positions
    where issuer_cik in (select issuer_cik from model_scope)
),

-- A position's source filing is one of its issuer's: the status of the scope's issuers only (materialized, so
-- DuckDB reads their row groups instead of joining every filing's status by accession).
scoped_status as materialized (
    select accession_number, transactions_superseded_by, holdings_superseded_by
    from filing_status
    where issuer_cik in (select issuer_cik from model_scope)
)

select positions.position_key, positions.valid_from, positions.source_accession_number
from scoped_positions as positions
inner join scoped_status as status on status.accession_number = positions.source_accession_number
where
    (positions.source_table = 'transactions' and status.transactions_superseded_by is not null)
    or (positions.source_table = 'holdings' and status.holdings_superseded_by is not null)
