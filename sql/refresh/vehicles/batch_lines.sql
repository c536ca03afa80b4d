-- The lines of one batch of owner groups (vehicle_batch_groups, registered by refresh_model) from vehicle_input.
select *
from vehicle_input
where (issuer_cik, owner_group_key) in (select issuer_cik, owner_group_key from vehicle_batch_groups)
