-- grain: one row per current Table I transaction line that states shares and shares owned after it
-- Change relative to what was held before the trade: in that vehicle (direct, or one indirect holding), and across
-- all of the owner group's vehicles of the security (beneficial_ownership the day before), which is the measure
-- that stays right for insiders with several vehicles and for 10% owners holding through funds.
-- excludes: flag_code_contradicts_direction, flag_negative_shares_after, flag_amount_out_of_range.
-- scope: group
with lines as (
    select values.*, securities.security_key
    from transaction_values as values
    inner join securities on securities.security_title = values.security_title
    where
        values.table_kind = 'non_derivative'
        and values.signed_shares is not null
        and values.shares_after is not null
        and not values.flag_code_contradicts_direction
        and not values.flag_negative_shares_after
        and not values.flag_amount_out_of_range
        and in_model_scope(values.issuer_cik)
        and in_group_scope(values.issuer_cik, values.owner_group_key)
),

with_group as (
    select
        lines.*,
        lines.shares_after - lines.signed_shares as vehicle_shares_before,
        owned.total_shares as group_shares_before
    from lines
    left join beneficial_ownership as owned
        on
            owned.issuer_cik = lines.issuer_cik
            and owned.owner_group_key = lines.owner_group_key
            and owned.security_key = lines.security_key
            and owned.valid_from <= lines.transaction_date - 1
            and (owned.valid_to is null or owned.valid_to > lines.transaction_date - 1)
)

select
    accession_number,
    table_kind,
    line_number,
    issuer_cik,
    owner_group_key,
    transaction_date,
    transaction_code,
    signed_shares,
    shares_after,
    vehicle_shares_before,
    round(100 * signed_shares / nullif(vehicle_shares_before, 0), 4) as vehicle_change_pct,
    group_shares_before,
    round(100 * signed_shares / nullif(group_shares_before, 0), 4) as group_change_pct
from with_group
