-- One row per current holding line (of the last refresh's issuers) that no position carries on its date.
-- Carried: the line names no security (a statement), or its vehicle's interval on the line's date holds the figure
-- the filing gave the vehicle (its lines' sum), or that interval is flagged as a same-day conflict between filings.
with lines as (
    select
        current.issuer_cik,
        current.owner_group_key,
        current.accession_number,
        current.table_kind,
        current.line_number,
        current.shares_owned_following_transaction as shares,
        current.value_owned_following_transaction as value,
        decisions.vehicle_key,
        decisions.event_date,
        decisions.rule
    from holdings_current as current
    left join vehicle_decisions as decisions
        on
            decisions.accession_number = current.accession_number
            and decisions.source_table = 'holdings'
            and decisions.table_kind = current.table_kind
            and decisions.line_number = current.line_number
    where current.issuer_cik in (select issuer_cik from model_scope)
),

filed as (
    select vehicle_key, accession_number, event_date, sum(shares) as shares, sum(value) as value
    from lines
    where vehicle_key is not null
    group by vehicle_key, accession_number, event_date
)

select lines.issuer_cik, lines.owner_group_key, lines.accession_number, lines.table_kind, lines.line_number,
    lines.rule, filed.shares as filed_shares
from lines
left join filed using (vehicle_key, accession_number, event_date)
where
    (lines.shares is not null or lines.value is not null)
    and (lines.rule is null or lines.rule not in ('statement', 'override_statement'))
    and not exists (
        select 1
        from positions
        where
            positions.position_key = lines.vehicle_key
            and positions.valid_from <= lines.event_date
            and (positions.valid_to is null or positions.valid_to > lines.event_date)
            and (
                positions.flag_same_day_conflict
                or (positions.shares is not distinct from filed.shares and positions.value is not distinct from filed.value)
            )
    )
