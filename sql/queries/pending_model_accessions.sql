-- One row per filing loaded, reloaded or failed to parse since the model was last refreshed for it (by this run's
-- load, or by an earlier run stopped before its refresh): what the model refresh has to bring up to date.
select accession_number
from model_pending
order by accession_number
