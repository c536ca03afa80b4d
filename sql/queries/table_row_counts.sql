-- One row per warehouse base table with its current row count (for asset metadata and summaries).
select 'filings' as table_name, count(*) as row_count from filings
union all select 'filing_owners', count(*) from filing_owners
union all select 'transactions', count(*) from transactions
union all select 'holdings', count(*) from holdings
union all select 'footnotes', count(*) from footnotes
union all select 'signatures', count(*) from signatures
union all select 'filing_parties', count(*) from filing_parties
union all select 'unknown_elements', count(*) from unknown_elements
union all select 'index_entries', count(*) from index_entries
union all select 'index_days', count(*) from index_days
union all select 'ingest_failures', count(*) from ingest_failures
union all select 'calendar', count(*) from calendar
union all select 'transaction_codes', count(*) from transaction_codes
union all select 'filing_status', count(*) from filing_status
union all select 'securities', count(*) from securities
union all select 'issuers', count(*) from issuers
union all select 'owners', count(*) from owners
union all select 'security_aliases', count(*) from security_aliases
union all select 'vehicle_decisions', count(*) from vehicle_decisions
union all select 'positions', count(*) from positions
union all select 'beneficial_ownership', count(*) from beneficial_ownership
union all select 'schedule13_filings', count(*) from schedule13_filings
union all select 'schedule13_persons', count(*) from schedule13_persons
