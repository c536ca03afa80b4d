-- reads: footnotes, holdings, refreshed_status, scoped_filing_facts, scoped_line_rows, transactions
-- writes: vehicle_input
-- The current (not superseded) lines of the batch's owner groups, as transforms/vehicles.py reads them to assign
-- each to its vehicle: event date (transaction date for transactions, period of report for holdings), the filing's
-- acceptance time, the line's balance and, for the vehicle evidence, the texts of the footnotes on its nature of
-- ownership and D/I. A line without an event date has no place in time and makes no position.
create or replace temp table vehicle_input as
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
        table_kind,
        line_number,
        transaction_date,
        security_title,
        conversion_or_exercise_price,
        expiration_date,
        direct_or_indirect_ownership,
        nature_of_ownership,
        transaction_acquired_disposed_code as acquired_disposed_code,
        transaction_shares,
        shares_owned_following_transaction as shares,
        value_owned_following_transaction as value,
        list_distinct(list_concat(nature_of_ownership_footnote_ids, direct_or_indirect_ownership_footnote_ids))
            as evidence_footnote_ids
    from transactions
    where rowid in (select row_id from scoped_line_rows where source_table = 'transactions')
    union all
    select
        accession_number,
        'holdings' as source_table,
        1 as table_order,
        table_kind,
        line_number,
        null as transaction_date,
        security_title,
        conversion_or_exercise_price,
        expiration_date,
        direct_or_indirect_ownership,
        nature_of_ownership,
        null as acquired_disposed_code,
        null as transaction_shares,
        shares_owned_following_transaction as shares,
        value_owned_following_transaction as value,
        list_distinct(list_concat(nature_of_ownership_footnote_ids, direct_or_indirect_ownership_footnote_ids))
            as evidence_footnote_ids
    from holdings
    where rowid in (select row_id from scoped_line_rows where source_table = 'holdings')
),

current_lines as (
    select
        scoped.issuer_cik,
        scoped.owner_group_key,
        scoped.owner_ciks,
        scoped.event_time,
        scoped.form_type,
        lines.* exclude (transaction_date),
        coalesce(lines.transaction_date, scoped.period_of_report, scoped.filing_date) as event_date
    from lines
    inner join scoped on scoped.accession_number = lines.accession_number
    where
        (
            (lines.source_table = 'transactions' and scoped.transactions_superseded_by is null)
            or (lines.source_table = 'holdings' and scoped.holdings_superseded_by is null)
        )
        and coalesce(lines.transaction_date, scoped.period_of_report, scoped.filing_date) is not null
),

evidence as (
    select
        cited.accession_number,
        cited.source_table,
        cited.table_kind,
        cited.line_number,
        list(footnotes.footnote_text order by footnotes.footnote_id) as footnote_texts
    from (
        select accession_number, source_table, table_kind, line_number, unnest(evidence_footnote_ids) as footnote_id
        from current_lines
    ) as cited
    inner join footnotes
        on footnotes.accession_number = cited.accession_number and footnotes.footnote_id = cited.footnote_id
    where footnotes.accession_number in (select accession_number from refreshed_status)
    group by all
)

select current_lines.* exclude (evidence_footnote_ids), coalesce(evidence.footnote_texts, []) as footnote_texts
from current_lines
left join evidence using (accession_number, source_table, table_kind, line_number);
