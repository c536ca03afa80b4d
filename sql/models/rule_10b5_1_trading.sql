-- grain: one row per current transaction line, with Rule 10b5-1 plan trading as stated and as inferred
-- scope: filing
-- official: the aff10b5One checkbox (on forms since April 2023; NULL before). inferred: a footnote the line
-- cites names Rule 10b5-1 (any spacing or dash); a bare "Rule 10b-5" never matches. The two stay separate.
with cited as (
    select
        values.issuer_cik,
        values.accession_number,
        values.table_kind,
        values.line_number,
        unnest(list_distinct(list_concat(
            lines.security_title_footnote_ids,
            lines.transaction_date_footnote_ids,
            lines.deemed_execution_date_footnote_ids,
            lines.transaction_coding_footnote_ids,
            lines.transaction_shares_footnote_ids,
            lines.transaction_price_per_share_footnote_ids,
            lines.transaction_acquired_disposed_code_footnote_ids,
            lines.shares_owned_following_transaction_footnote_ids,
            lines.direct_or_indirect_ownership_footnote_ids,
            lines.nature_of_ownership_footnote_ids
        ))) as footnote_id
    from transaction_values as values
    inner join transactions as lines
        on
            lines.accession_number = values.accession_number
            and lines.table_kind = values.table_kind
            and lines.line_number = values.line_number
    where
        in_filing_scope(values.accession_number)
        and in_model_scope(values.issuer_cik)
        and in_model_scope(lines.filing_issuer_cik)
),

-- The pattern is tested after the join, inside the aggregate: as a WHERE clause DuckDB would run it over every
-- footnote of the warehouse before joining.
matching as (
    select
        cited.issuer_cik,
        cited.accession_number,
        cited.table_kind,
        cited.line_number,
        list_sort(list(cited.footnote_id) filter (where regexp_matches(
            regexp_replace(regexp_replace(lower(footnotes.footnote_text), '[‐‑‒–—−]', '-', 'g'), '\s+', '', 'g'),
            '10b-?5-1([^0-9]|$)'
        ))) as plan_footnote_ids
    from cited
    inner join footnotes
        on footnotes.accession_number = cited.accession_number and footnotes.footnote_id = cited.footnote_id
    where in_model_scope(footnotes.filing_issuer_cik)
    group by cited.issuer_cik, cited.accession_number, cited.table_kind, cited.line_number
)

select
    values.accession_number,
    values.table_kind,
    values.line_number,
    values.issuer_cik,
    values.owner_group_key,
    values.transaction_date,
    values.transaction_code,
    values.aff10b5_one as is_10b5_1_official,
    coalesce(len(matching.plan_footnote_ids) > 0, false) as is_10b5_1_inferred_from_footnotes,
    if(len(matching.plan_footnote_ids) > 0, matching.plan_footnote_ids, null) as plan_footnote_ids
from transaction_values as values
left join matching
    on
        matching.issuer_cik = values.issuer_cik
        and matching.accession_number = values.accession_number
        and matching.table_kind = values.table_kind
        and matching.line_number = values.line_number
