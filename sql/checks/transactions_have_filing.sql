-- One row per transaction line whose filing is not in filings (expected: none).
select transactions.accession_number, transactions.table_kind, transactions.line_number
from transactions
anti join filings on filings.accession_number = transactions.accession_number
