-- asset: transactions
-- severity: error
-- One row per transaction line whose filing is not in filings (expected: none); filings of the last load only.
select transactions.accession_number, transactions.table_kind, transactions.line_number
from load_scope_rows('transactions') as transactions
anti join load_scope_filings() as filings on filings.accession_number = transactions.accession_number
