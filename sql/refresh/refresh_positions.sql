-- reads: batch_groups, batch_issuers, batch_vehicle_closings, batch_vehicle_decisions, filing_events, vehicle_input
-- writes: positions
-- Rebuild the positions of the batch's owner groups (batch_groups): one row per vehicle and interval. A vehicle's
-- figure in one filing is its last transaction line's "owned following" on that day, or the sum of its holding
-- lines (the lots of a direct holding add up); each figure holds from its event date until the vehicle's next.
-- On one day the filing accepted last holds (then accession, transactions before holdings, then line order); when two
-- filings gave that day different figures, the interval is flagged flag_same_day_conflict. A line without a figure
-- carries the previous one forward (is_reported false). A statement of every holding (a Form 3) closes the
-- vehicles it does not list from its date: transforms/vehicles.py decides which (batch_vehicle_closings), and each
-- is held at 0 from there, sourced to the statement as a whole (source_table 'filings', no line).
delete from positions
where
    issuer_cik in (select issuer_cik from batch_issuers)
    and (issuer_cik, owner_group_key) in (select issuer_cik, owner_group_key from batch_groups);
insert into positions by name
with vehicle_lines as (
    select lines.*, decisions.vehicle_key, decisions.security_key
    from vehicle_input as lines
    inner join batch_vehicle_decisions as decisions
        using (accession_number, source_table, table_kind, line_number)
    where decisions.vehicle_key is not null
),

figures as (
    select
        vehicle_key,
        event_date,
        accession_number,
        source_table,
        any_value(issuer_cik) as issuer_cik,
        any_value(owner_group_key) as owner_group_key,
        any_value(owner_ciks) as owner_ciks,
        any_value(event_time) as event_time,
        any_value(table_order) as table_order,
        max(line_number) as line_number,
        arg_max(security_key, line_number) as security_key,
        arg_max(security_title, line_number) as security_title,
        any_value(table_kind) as table_kind,
        arg_max(conversion_or_exercise_price, line_number) as conversion_or_exercise_price,
        arg_max(expiration_date, line_number) as expiration_date,
        arg_max(upper(trim(direct_or_indirect_ownership)), line_number) as ownership_form,
        arg_max(nature_of_ownership, line_number) as nature_of_ownership,
        case
            when source_table = 'holdings' then sum(shares)
            else arg_max(shares, line_number)
        end as shares,
        case
            when source_table = 'holdings' then sum(value)
            else arg_max(value, line_number)
        end as value
    from vehicle_lines
    group by vehicle_key, event_date, accession_number, source_table
),

vehicles as (
    select
        vehicle_key,
        bool_or(shares is not null) as has_shares,
        bool_or(value is not null) as has_value
    from figures
    group by vehicle_key
),

closings as (
    select
        closed.vehicle_key,
        statements.event_date,
        statements.accession_number,
        'filings' as source_table,
        statements.issuer_cik,
        statements.owner_group_key,
        last.owner_ciks,
        statements.event_time,
        2 as table_order,
        null::integer as line_number,
        last.security_key,
        last.security_title,
        last.table_kind,
        last.conversion_or_exercise_price,
        last.expiration_date,
        last.ownership_form,
        last.nature_of_ownership,
        case when vehicles.has_shares then 0 end::decimal(38, 6) as shares,
        case when vehicles.has_value then 0 end::decimal(38, 6) as value
    from batch_vehicle_closings as closed
    inner join filing_events as statements on statements.accession_number = closed.accession_number
    inner join vehicles on vehicles.vehicle_key = closed.vehicle_key
    inner join (
        select * from figures
        qualify
            row_number() over (
                partition by vehicle_key
                order by event_date desc, event_time desc, accession_number desc, table_order desc, line_number desc
            ) = 1
    ) as last on last.vehicle_key = closed.vehicle_key
),

all_figures as (
    select * from figures
    union all by name
    select * from closings
),

carried as (
    select
        *,
        shares is not null or value is not null as is_reported,
        last_value(shares ignore nulls) over running as carried_shares,
        last_value(value ignore nulls) over running as carried_value,
        count(distinct coalesce(shares, value)) over same_day > 1
        and count(distinct accession_number) over same_day > 1 as flag_same_day_conflict
    from all_figures
    window
        running as (
            partition by vehicle_key
            order by event_date, event_time, accession_number, table_order, line_number
            rows between unbounded preceding and current row
        ),
        same_day as (partition by vehicle_key, event_date)
),

last_of_day as (
    select * from carried
    qualify row_number() over (
        partition by vehicle_key, event_date
        order by event_time desc, accession_number desc, table_order desc, line_number desc
    ) = 1
)

select
    vehicle_key as position_key,
    issuer_cik,
    owner_group_key,
    owner_ciks,
    security_key,
    security_title,
    table_kind,
    conversion_or_exercise_price,
    expiration_date,
    nullif(ownership_form, '') as direct_or_indirect_ownership,
    nature_of_ownership,
    event_date as valid_from,
    lead(event_date) over (partition by vehicle_key order by event_date) as valid_to,
    carried_shares as shares,
    carried_value as value,
    is_reported,
    accession_number as source_accession_number,
    source_table,
    line_number as source_line_number,
    flag_same_day_conflict
from last_of_day
-- Stored issuer by issuer: an issuer's intervals then share a few row groups, which DuckDB's zone maps find
-- without reading the rest (holdings_as_of for one issuer reads its few row groups only).
order by issuer_cik, position_key, valid_from;
