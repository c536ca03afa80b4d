-- reads: batch_groups, batch_issuers, batch_security_aliases, batch_vehicle_decisions
-- writes: security_aliases, vehicle_decisions
-- Replace the vehicle decisions and title aliases of the batch's owner groups with the ones transforms/vehicles.py
-- made from vehicle_input (registered as batch_vehicle_decisions and batch_security_aliases).
delete from vehicle_decisions
where
    issuer_cik in (select issuer_cik from batch_issuers)
    and (issuer_cik, owner_group_key) in (select issuer_cik, owner_group_key from batch_groups);
insert into vehicle_decisions by name
select * from batch_vehicle_decisions;
delete from security_aliases
where
    issuer_cik in (select issuer_cik from batch_issuers)
    and (issuer_cik, owner_group_key) in (select issuer_cik, owner_group_key from batch_groups);
insert into security_aliases by name
select * from batch_security_aliases;
