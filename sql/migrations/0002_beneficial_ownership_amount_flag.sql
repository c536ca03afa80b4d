-- Migration 2: beneficial_ownership flags the intervals whose totals are NULL because one of the group's vehicles
-- holds a filed figure beyond the models' range (|shares| >= 10^13, sql/views/model_amounts.sql). Existing rows
-- get what the new refresh would give them: the flag, and NULL totals where such a vehicle is open.
alter table beneficial_ownership add column flag_amount_out_of_range BOOLEAN;
update beneficial_ownership set flag_amount_out_of_range = false;
update beneficial_ownership as owned
set
    flag_amount_out_of_range = true,
    direct_shares = null,
    indirect_shares = null,
    total_shares = null
where exists (
    select 1
    from positions as vehicles
    where
        vehicles.table_kind = 'non_derivative'
        and abs(vehicles.shares) >= cast('10000000000000' as decimal(38, 6))
        and vehicles.issuer_cik = owned.issuer_cik
        and vehicles.owner_group_key = owned.owner_group_key
        and vehicles.security_key = owned.security_key
        and vehicles.valid_from <= owned.valid_from
        and (vehicles.valid_to is null or vehicles.valid_to > owned.valid_from)
);
