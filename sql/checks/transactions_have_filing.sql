-- asset: transactions
-- severity: error
-- One row per transaction line whose filing is not in filings (expected: none); filings of the last load only.
with loaded_filings as (
    select accession_number from filings where accession_number in (select accession_number from load_scope)
)

select transactions.accession_number, transactions.table_kind, transactions.line_number
from transactions
anti join loaded_filings on loaded_filings.accession_number = transactions.accession_number
where transactions.accession_number in (select accession_number from load_scope)
