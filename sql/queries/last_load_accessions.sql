-- One row per filing the last filing_tables run replaced (loaded, reloaded or failed to parse): what the model
-- refresh that follows it has to bring up to date.
select accession_number
from load_scope
order by accession_number
