-- One row per filing listed before $first_day with an open failure worth retrying (fewer than $max_attempts
-- attempts; past that it stays quarantined until someone resets its attempts) that is either not loaded, or loaded
-- but with an open parse failure: its archived copy went bad after it was loaded, it keeps its rows, and a new copy
-- is still to be fetched (orchestration/sources/edgar_daily/damaged_copies.py).
-- `filings` is consulted last, for the few candidates only: a `not in (select … from filings)` hashed every
-- loaded accession each run, three times a night.
with open_failures as (
    select
        subject as accession_number,
        max(attempts) as attempts,
        bool_or(stage = 'parse') as parse_failed
    from ingest_failures
    where stage in ('fetch', 'parse') and resolved_at is null
    group by subject
),

candidates as (
    select
        entries.accession_number,
        entries.file_name,
        entries.date_filed,
        open_failures.parse_failed
    from index_entries as entries
    inner join open_failures on open_failures.accession_number = entries.accession_number
    where entries.date_filed < $first_day and open_failures.attempts < $max_attempts
)

select candidates.accession_number, candidates.file_name, candidates.date_filed
from candidates
left join filings on filings.accession_number = candidates.accession_number
where filings.accession_number is null or candidates.parse_failed
order by candidates.date_filed, candidates.accession_number
limit $max_filings
