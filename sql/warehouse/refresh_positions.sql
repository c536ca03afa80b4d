-- Rebuild the positions of the batch's owner groups (batch_groups) from their current (not superseded) lines.
-- A position is keyed by issuer, owner group, security (title with case and spacing normalized; for Table II also
-- exercise price and expiration), direct/indirect and nature of ownership. Each line's "owned following" (or a
-- holding's reported amount) sets the position from its event date: transaction date for transactions, period of
-- report for holdings. Lines are ordered by event date, acceptance time, transactions before holdings, line number;
-- the last line of a day holds for that day. A line without a figure carries the previous one forward.
delete from positions
where
    issuer_cik in (select issuer_cik from batch_issuers)
    and (issuer_cik, owner_group_key) in (select issuer_cik, owner_group_key from batch_groups);
insert into positions by name
with scoped as (
    select status.*, facts.period_of_report, facts.filing_date
    from refreshed_status as status
    inner join scoped_filing_facts as facts on facts.accession_number = status.accession_number
),

lines as (
    select
        accession_number,
        'transactions' as source_table,
        0 as table_order,
        line_number,
        table_kind,
        security_title,
        conversion_or_exercise_price,
        expiration_date,
        direct_or_indirect_ownership,
        nature_of_ownership,
        transaction_date,
        shares_owned_following_transaction as shares,
        value_owned_following_transaction as value
    from transactions
    where rowid in (select row_id from scoped_line_rows where source_table = 'transactions')
    union all
    select
        accession_number,
        'holdings' as source_table,
        1 as table_order,
        line_number,
        table_kind,
        security_title,
        conversion_or_exercise_price,
        expiration_date,
        direct_or_indirect_ownership,
        nature_of_ownership,
        null as transaction_date,
        shares_owned_following_transaction as shares,
        value_owned_following_transaction as value
    from holdings
    where rowid in (select row_id from scoped_line_rows where source_table = 'holdings')
),

current_lines as (
    select
        scoped.issuer_cik,
        scoped.owner_group_key,
        scoped.owner_ciks,
        scoped.event_time,
        lines.*,
        coalesce(lines.transaction_date, scoped.period_of_report, scoped.filing_date) as event_date
    from lines
    inner join scoped on scoped.accession_number = lines.accession_number
    where
        (lines.source_table = 'transactions' and scoped.transactions_superseded_by is null)
        or (lines.source_table = 'holdings' and scoped.holdings_superseded_by is null)
),

keyed as (
    select
        *,
        lower(regexp_replace(trim(coalesce(security_title, '')), '\s+', ' ', 'g')) as security_key,
        upper(trim(coalesce(direct_or_indirect_ownership, ''))) as ownership_form,
        lower(regexp_replace(trim(coalesce(nature_of_ownership, '')), '\s+', ' ', 'g')) as nature_key
    from current_lines
),

identified as (
    select
        *,
        md5(concat_ws(
            '|', issuer_cik, owner_group_key, security_key, table_kind,
            coalesce(conversion_or_exercise_price::varchar, ''), coalesce(expiration_date::varchar, ''),
            ownership_form, nature_key
        )) as position_key
    from keyed
    where event_date is not null
),

carried as (
    select
        *,
        shares is not null or value is not null as is_reported,
        last_value(shares ignore nulls) over running as carried_shares,
        last_value(value ignore nulls) over running as carried_value
    from identified
    window running as (
        partition by position_key
        order by event_date, event_time, table_order, line_number
        rows between unbounded preceding and current row
    )
),

last_of_day as (
    select * from carried
    qualify row_number() over (
        partition by position_key, event_date
        order by event_time desc, table_order desc, line_number desc
    ) = 1
)

select
    position_key,
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
    lead(event_date) over (partition by position_key order by event_date) as valid_to,
    carried_shares as shares,
    carried_value as value,
    is_reported,
    accession_number as source_accession_number,
    source_table,
    line_number as source_line_number
from last_of_day
-- Stored issuer by issuer: an issuer's intervals then share a few row groups, which DuckDB's zone maps find
-- without reading the rest (holdings_as_of for one issuer: 48 → 3 ms on 11.9M intervals).
order by issuer_cik, position_key, valid_from;
