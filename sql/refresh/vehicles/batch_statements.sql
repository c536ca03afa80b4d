-- The filing_events of one batch of owner groups (vehicle_batch_groups, registered by refresh_model).
select *
from filing_events
where (issuer_cik, owner_group_key) in (select issuer_cik, owner_group_key from vehicle_batch_groups)
