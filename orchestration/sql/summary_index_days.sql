-- One row per index day looked at: its status, the index read and how many ownership filings it listed.
select index_date, status, coalesce(index_path, closure_reason) as source, entry_count
from index_days
order by index_date
