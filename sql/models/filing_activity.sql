-- grain: one row per filing with current transaction lines: what kind of insider activity it reports
-- purchase (only P) | sale (only S) | sale_after_option_exercise (S with an exercise or conversion M, X, O, C) |
-- tax_withholding (only F) | grant (A, possibly with F) | exercise (M, X, O, C, possibly with F) | gift (only G) |
-- mixed (anything else)
-- scope: filing
-- A filing's class follows from its own current lines (transaction_values, keyed by filing too).
with codes as (
    select
        accession_number,
        issuer_cik,
        owner_group_key,
        list_sort(list(distinct transaction_code) filter (where transaction_code is not null)) as transaction_codes
    from transaction_values
    where in_filing_scope(accession_number) and in_model_scope(issuer_cik)
    group by accession_number, issuer_cik, owner_group_key
)

select
    *,
    case
        when list_contains(transaction_codes, 'S') and list_has_any(transaction_codes, ['M', 'X', 'O', 'C'])
            then 'sale_after_option_exercise'
        when transaction_codes = ['P'] then 'purchase'
        when transaction_codes = ['S'] then 'sale'
        when transaction_codes = ['F'] then 'tax_withholding'
        when list_contains(transaction_codes, 'A') and list_has_all(['A', 'F'], transaction_codes) then 'grant'
        when list_has_any(transaction_codes, ['M', 'X', 'O', 'C'])
            and list_has_all(['M', 'X', 'O', 'C', 'F'], transaction_codes) then 'exercise'
        when transaction_codes = ['G'] then 'gift'
        else 'mixed'
    end as activity
from codes
