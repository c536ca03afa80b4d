-- One row per issuer, owner group and security (Table II: with exercise price and expiration) of the last
-- refresh's issuers holding more than one open direct position: an insider holds one direct position per security.
select
    issuer_cik,
    owner_group_key,
    table_kind,
    security_key,
    conversion_or_exercise_price,
    expiration_date,
    count(*) as open_direct_positions
from positions
where
    valid_to is null
    and direct_or_indirect_ownership = 'D'
    and coalesce(shares, value, 1) <> 0
    and issuer_cik in (select issuer_cik from model_scope)
group by all
having count(*) > 1
