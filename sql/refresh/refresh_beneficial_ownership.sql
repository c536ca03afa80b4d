-- reads: batch_groups, batch_issuers, positions
-- writes: beneficial_ownership
-- Rebuild the beneficial ownership of the batch's owner groups (batch_groups): for each group and non-derivative
-- security, the total over its vehicles (direct and each indirect holding) between consecutive changes of any.
-- A vehicle whose filed figure is beyond the models' range (sql/views/model_amounts.sql) makes the totals of its
-- intervals NULL, with flag_amount_out_of_range: a sum that leaves it out would be wrong, one with it overflows.
delete from beneficial_ownership
where
    issuer_cik in (select issuer_cik from batch_issuers)
    and (issuer_cik, owner_group_key) in (select issuer_cik, owner_group_key from batch_groups);
insert into beneficial_ownership by name
with vehicles as (
    select *
    from positions
    where
        table_kind = 'non_derivative'
        and issuer_cik in (select issuer_cik from batch_issuers)
        and (issuer_cik, owner_group_key) in (select issuer_cik, owner_group_key from batch_groups)
),

change_points as (
    select distinct issuer_cik, owner_group_key, security_key, valid_from as day
    from vehicles
),

totals as (
    select
        points.issuer_cik,
        points.owner_group_key,
        points.security_key,
        points.day as valid_from,
        any_value(vehicles.owner_ciks) as owner_ciks,
        bool_or(out_of_model_range(vehicles.shares)) as flag_amount_out_of_range,
        sum(model_amount(vehicles.shares)) filter (where vehicles.direct_or_indirect_ownership = 'D') as direct_shares,
        sum(model_amount(vehicles.shares)) filter (where vehicles.direct_or_indirect_ownership = 'I') as indirect_shares,
        sum(model_amount(vehicles.shares)) as total_shares,
        count(*) filter (where coalesce(vehicles.shares, 0) <> 0)::integer as vehicles
    from change_points as points
    inner join vehicles
        on
            vehicles.issuer_cik = points.issuer_cik
            and vehicles.owner_group_key = points.owner_group_key
            and vehicles.security_key = points.security_key
            and vehicles.valid_from <= points.day
            and (vehicles.valid_to is null or vehicles.valid_to > points.day)
    group by points.issuer_cik, points.owner_group_key, points.security_key, points.day
)

select
    issuer_cik,
    owner_group_key,
    owner_ciks,
    security_key,
    valid_from,
    lead(valid_from) over (partition by issuer_cik, owner_group_key, security_key order by valid_from) as valid_to,
    case when not flag_amount_out_of_range then direct_shares end as direct_shares,
    case when not flag_amount_out_of_range then indirect_shares end as indirect_shares,
    case when not flag_amount_out_of_range then total_shares end as total_shares,
    vehicles,
    flag_amount_out_of_range
from totals;
