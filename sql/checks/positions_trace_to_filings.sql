-- asset: positions
-- severity: blocking
-- One row per position interval (of the last refresh's issuers) whose source line is not a line of a loaded filing (expected: none).
-- An interval a Form 3 closes (a vehicle it does not list) is sourced to the Form 3 itself: source_table 'filings'.
-- Lines are looked up in the scoped intervals' own filings only, so a night does not hash every line it holds.
with scoped as materialized (
    select position_key, valid_from, source_accession_number, source_table, source_line_number
    from positions
    where issuer_cik in (select issuer_cik from model_scope)
),

source_lines as (
    select 'transactions' as source_table, accession_number, line_number
    from transactions
    where
        filing_issuer_cik in (select issuer_cik from model_scope)
        and accession_number in (select source_accession_number from scoped)
    union all
    select 'holdings' as source_table, accession_number, line_number
    from holdings
    where
        filing_issuer_cik in (select issuer_cik from model_scope)
        and accession_number in (select source_accession_number from scoped)
    union all
    select 'filings' as source_table, accession_number, null as line_number
    from filings
    where
        issuer_cik in (select issuer_cik from model_scope)
        and accession_number in (select source_accession_number from scoped)
        and form_type in ('3', '3/A')
)

select scoped.position_key, scoped.valid_from, scoped.source_accession_number
from scoped
anti join source_lines
    on
        source_lines.source_table = scoped.source_table
        and source_lines.accession_number = scoped.source_accession_number
        and source_lines.line_number is not distinct from scoped.source_line_number
