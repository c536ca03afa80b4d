-- grain: one row per firing of a Schedule 13D/G alert rule, keyed by rule and filing
-- The rules: new_13d (a holder's first statement is a 13D: an active holder of more than 5% appears),
-- crossed_<N>_percent (a holder's headline passes N% of the class, N given as `crossing`, 10 by default),
-- switched_to_13d (a passive 13G holder files a 13D). Merged into `alerts` with the Forms 3/4/5 screens' firings
-- (orchestration/sql/merge_schedule13_alerts.sql); `value` is shares, `line_number` the headline person's cover page.
-- Usage: from schedule13_alert_firings() / schedule13_alert_firings(crossing := 20)
create or replace macro schedule13_alert_firings(crossing := 10) as table
with statements as (
    select
        chains.*,
        lag(chains.headline_percent) over (
            partition by chains.issuer_cik, chains.holder_cik order by chains.chain_position
        ) as previous_percent,
        lag(chains.schedule) over (
            partition by chains.issuer_cik, chains.holder_cik order by chains.chain_position
        ) as previous_schedule,
        lag(chains.is_exit) over (
            partition by chains.issuer_cik, chains.holder_cik order by chains.chain_position
        ) as previous_exit
    from schedule13_chains as chains
),

firings as (
    select 'new_13d' as rule, *
    from statements
    where schedule = '13D' and (previous_schedule is null or previous_exit) and not is_exit
    union all by name
    select 'crossed_' || crossing || '_percent' as rule, *
    from statements
    where coalesce(previous_percent, 0) <= crossing and headline_percent > crossing and not is_exit
    union all by name
    select 'switched_to_13d' as rule, *
    from statements
    where previous_schedule = '13G' and schedule = '13D' and not coalesce(previous_exit, false)
)

select
    firings.rule || ':' || firings.accession_number as alert_key,
    firings.rule,
    firings.issuer_cik,
    filings.issuer_name,
    null::varchar as issuer_trading_symbol,
    firings.holder_cik::varchar as owner_group_key,
    firings.holder_name as owner_names,
    firings.accession_number,
    'schedule13' as table_kind,
    firings.headline_person_position as line_number,
    firings.valid_from as event_date,
    firings.headline_amount as value,
    coalesce(firings.headline_percent::double::varchar || '% of ', '') || coalesce(filings.class_title, 'the class')
    || ' (Schedule ' || firings.schedule || ')' as detail,
    firings.filing_date
from firings
inner join schedule13_filings as filings on filings.accession_number = firings.accession_number;
