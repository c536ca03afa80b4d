-- grain: one row per event between consecutive statements of a holder chain (schedule13_chains)
-- The events: new_holder (the chain's first statement, or the first after an exit), increase, decrease,
-- crossed_above_<N> and crossed_below_<N> (N of 5, 10, 15, 20, 25, 50 percent of the class), switched_to_13d (a
-- passive 13G holder turning active), exit.
create or replace view schedule13_events as
with paired as (
    select
        statements.*,
        lag(headline_amount) over chain as previous_amount,
        lag(headline_percent) over chain as previous_percent,
        lag(schedule) over chain as previous_schedule,
        lag(is_exit) over chain as previous_exit
    from schedule13_chains as statements
    window chain as (partition by issuer_cik, holder_cik order by chain_position)
),

events as (
    select
        paired.*,
        list_concat(
            case when previous_amount is null or previous_exit then ['new_holder'] else [] end,
            case when not is_exit and headline_amount > previous_amount and not previous_exit then ['increase'] else [] end,
            case when not is_exit and headline_amount < previous_amount and not previous_exit then ['decrease'] else [] end,
            [
                'crossed_above_' || threshold
                for threshold in [5, 10, 15, 20, 25, 50]
                if coalesce(previous_percent, 0) <= threshold and headline_percent > threshold
            ],
            [
                'crossed_below_' || threshold
                for threshold in [5, 10, 15, 20, 25, 50]
                if previous_percent > threshold and coalesce(headline_percent, 0) <= threshold
            ],
            case when previous_schedule = '13G' and schedule = '13D' then ['switched_to_13d'] else [] end,
            case when is_exit and not coalesce(previous_exit, false) then ['exit'] else [] end
        ) as event_list
    from paired
)

select
    issuer_cik,
    holder_cik,
    holder_name,
    accession_number,
    valid_from as event_date,
    unnest(event_list) as event,
    previous_amount,
    headline_amount,
    previous_percent,
    headline_percent,
    schedule
from events;
