-- asset: positions
-- severity: blocking
-- One row per position interval (of the last refresh's issuers) sourced from a line a later amendment restated (expected: none).
select positions.position_key, positions.valid_from, positions.source_accession_number
from positions
inner join filing_status as status on status.accession_number = positions.source_accession_number
where
    positions.issuer_cik in (select issuer_cik from model_scope)
    and (
        (positions.source_table = 'transactions' and status.transactions_superseded_by is not null)
        or (positions.source_table = 'holdings' and status.holdings_superseded_by is not null)
    )
