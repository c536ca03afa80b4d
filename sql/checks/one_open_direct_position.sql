-- asset: positions
-- severity: error
-- One row per issuer, owner group and security (Table II: with exercise price and expiration) of the last
-- refresh's issuers holding open direct positions that come from more than one filing: an insider holds one
-- direct position per security, so an older one still open beside a newer filing's is a vehicle left behind (a
-- title variant not recognised, say). Several open ones from one filing are not: real filings list separate
-- grants of one security side by side (restricted stock units of several grants, options of the same terms as
-- separate lines), each line's figure measuring its own grant; 110 such on the real 2024q3 data set, none else.
select
    issuer_cik,
    owner_group_key,
    table_kind,
    security_key,
    conversion_or_exercise_price,
    expiration_date,
    count(*) as open_direct_positions,
    count(distinct source_accession_number) as filings
from positions
where
    valid_to is null
    and direct_or_indirect_ownership = 'D'
    and coalesce(shares, value, 1) <> 0
    and issuer_cik in (select issuer_cik from model_scope)
group by all
having count(distinct source_accession_number) > 1
