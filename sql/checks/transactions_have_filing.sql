-- One row per transaction line whose filing is not in filings (expected: none); filings of the last load only.
select transactions.accession_number, transactions.table_kind, transactions.line_number
from transactions
anti join filings on filings.accession_number = transactions.accession_number
where transactions.accession_number in (select accession_number from load_scope)
