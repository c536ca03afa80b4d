-- asset: positions
-- severity: error
-- One row per current holding line (of the last refresh's issuers) that no position carries on its date.
-- Carried: the line names no security (a statement), or its vehicle's interval on the line's date holds the figure
-- the filing gave the vehicle (its lines' sum), or that interval is flagged as a same-day conflict between filings.
-- Every table is narrowed to the scoped issuers before any join, so a night reads its issuers' rows, not the
-- warehouse's (docs/performance.md, "Measured choices in the SQL"): the issuer CTEs are materialized, or DuckDB
-- joins positions by vehicle first and reads all of it.
with scoped as materialized (
    select accession_number, issuer_cik, owner_group_key
    from filing_status
    where issuer_cik in (select issuer_cik from model_scope) and holdings_superseded_by is null
),

decisions as materialized (
    select accession_number, table_kind, line_number, vehicle_key, event_date, rule
    from vehicle_decisions
    where issuer_cik in (select issuer_cik from model_scope) and source_table = 'holdings'
),

lines as (
    select
        scoped.issuer_cik,
        scoped.owner_group_key,
        holdings.accession_number,
        holdings.table_kind,
        holdings.line_number,
        holdings.shares_owned_following_transaction as shares,
        holdings.value_owned_following_transaction as value,
        decisions.vehicle_key,
        decisions.event_date,
        decisions.rule
    from holdings
    inner join scoped on scoped.accession_number = holdings.accession_number
    left join decisions
        on
            decisions.accession_number = holdings.accession_number
            and decisions.table_kind = holdings.table_kind
            and decisions.line_number = holdings.line_number
    where holdings.accession_number in (select accession_number from scoped)
),

filed as (
    select vehicle_key, accession_number, event_date, sum(shares) as shares, sum(value) as value
    from lines
    where vehicle_key is not null
    group by vehicle_key, accession_number, event_date
),

intervals as materialized (
    select position_key, valid_from, valid_to, shares, value, flag_same_day_conflict
    from positions
    where issuer_cik in (select issuer_cik from model_scope)
),

carried as (
    select distinct lines.accession_number, lines.table_kind, lines.line_number
    from lines
    inner join filed using (vehicle_key, accession_number, event_date)
    inner join intervals
        on
            intervals.position_key = lines.vehicle_key
            and intervals.valid_from <= lines.event_date
            and (intervals.valid_to is null or intervals.valid_to > lines.event_date)
    where
        intervals.flag_same_day_conflict
        or (intervals.shares is not distinct from filed.shares and intervals.value is not distinct from filed.value)
)

select lines.issuer_cik, lines.owner_group_key, lines.accession_number, lines.table_kind, lines.line_number, lines.rule
from lines
anti join carried using (accession_number, table_kind, line_number)
where
    (lines.shares is not null or lines.value is not null)
    and (lines.rule is null or lines.rule not in ('statement', 'override_statement'))
