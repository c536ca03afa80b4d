-- One row per line an analyst's override names (batch_overrides, registered by the caller: override_index, the
-- line's and the target line's accession_number, source_table, table_kind, line_number), role 'line_' or 'target_',
-- with what the warehouse holds of it: whether its filing is loaded, whether the filing has that line, the filing's
-- issuer, owner group and event time, and the amendment that restated that table of the filing, if one did.
-- Each override is checked against these before the vehicles are decided (warehouse.check_overrides).
with named as (
    select override_index, 'line_' as role, accession_number, source_table, table_kind, line_number
    from batch_overrides
    union all
    select
        override_index,
        'target_' as role,
        target_accession_number,
        target_source_table,
        target_table_kind,
        target_line_number
    from batch_overrides
    where target_accession_number is not null
),

named_lines as (
    select accession_number, 'transactions' as source_table, table_kind, line_number
    from transactions
    where accession_number in (select accession_number from named)
    union all
    select accession_number, 'holdings' as source_table, table_kind, line_number
    from holdings
    where accession_number in (select accession_number from named)
)

select
    named.override_index,
    named.role,
    status.accession_number is not null as filed,
    found.line_number is not null as found,
    status.issuer_cik,
    status.owner_group_key,
    status.event_time,
    case named.source_table
        when 'transactions' then status.transactions_superseded_by
        else status.holdings_superseded_by
    end as superseded_by
from named
left join filing_status as status on status.accession_number = named.accession_number
left join named_lines as found
    on found.accession_number = named.accession_number
    and found.source_table = named.source_table
    and found.table_kind = named.table_kind
    and found.line_number = named.line_number
order by named.override_index, named.role
