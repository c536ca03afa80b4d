-- Migration 5: securities.first_accession_number is the smallest accession number of the filings naming the title
-- (refresh_securities.sql). Releases before it kept the first filing loaded that named it, so a title whose older
-- filings arrived later (a backfill, a Form 345 quarter) kept a later accession. Recomputed here from the lines.
update securities
set first_accession_number = named.first_accession_number
from (
    select security_title, min(accession_number) as first_accession_number
    from (
        select security_title, accession_number from transactions
        union all
        select security_title, accession_number from holdings
    )
    where security_title is not null
    group by security_title
) as named
where
    securities.security_title = named.security_title
    and securities.first_accession_number is distinct from named.first_accession_number;
