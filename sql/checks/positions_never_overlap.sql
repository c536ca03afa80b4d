-- asset: positions
-- severity: blocking
-- One row per interval of a position (of the last refresh's issuers) that starts before the previous one ends.
with scoped as (
    select
        position_key,
        valid_from,
        lag(valid_to) over (partition by position_key order by valid_from) as previous_valid_to,
        lag(valid_from) over (partition by position_key order by valid_from) as previous_valid_from
    from positions
    where issuer_cik in (select issuer_cik from model_scope)
)

select position_key, valid_from, previous_valid_from, previous_valid_to
from scoped
where previous_valid_from is not null and (previous_valid_to is null or previous_valid_to > valid_from)
