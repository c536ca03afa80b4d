-- The owner groups of vehicle_input with their line counts, in a stable order: refresh_model hands them to
-- transforms/vehicles.py a batch of whole groups at a time, so memory follows the batch, not the refresh.
select issuer_cik, owner_group_key, count(*) as lines
from vehicle_input
group by issuer_cik, owner_group_key
order by issuer_cik, owner_group_key
