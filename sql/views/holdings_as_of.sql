-- grain: one row per position held on date `as_of` (shares or value not zero), optionally for one issuer or owner.
-- Usage: from holdings_as_of(date '2025-01-06') / holdings_as_of(date '2025-01-06', issuer := 9990001)
create or replace macro holdings_as_of(as_of, issuer := null, owner := null) as table
select
    positions.issuer_cik,
    positions.owner_group_key,
    positions.owner_ciks,
    positions.security_title,
    positions.table_kind,
    positions.direct_or_indirect_ownership,
    positions.nature_of_ownership,
    positions.conversion_or_exercise_price,
    positions.expiration_date,
    positions.shares,
    positions.value,
    positions.valid_from,
    positions.is_reported,
    positions.source_accession_number,
    positions.source_table,
    positions.source_line_number
from positions
where
    positions.valid_from <= as_of
    and (positions.valid_to is null or positions.valid_to > as_of)
    and coalesce(positions.shares, positions.value, 1) <> 0
    and (issuer is null or positions.issuer_cik = issuer)
    and (owner is null or list_contains(positions.owner_ciks, owner));
