-- One row per filing listed before $first_day that is still not loaded and has an open failure worth retrying:
-- fewer than $max_attempts attempts. Past that it stays quarantined until someone resets its attempts.
-- `filings` is consulted last, for the few candidates only: a `not in (select … from filings)` hashed every
-- loaded accession each run (0.5 s a call on a 10M-row warehouse, three calls a night).
with open_failures as (
    select subject as accession_number, max(attempts) as attempts
    from ingest_failures
    where stage in ('fetch', 'parse') and resolved_at is null
    group by subject
),

candidates as (
    select
        entries.accession_number,
        entries.file_name,
        entries.date_filed
    from index_entries as entries
    inner join open_failures on open_failures.accession_number = entries.accession_number
    where entries.date_filed < $first_day and open_failures.attempts < $max_attempts
)

select candidates.accession_number, candidates.file_name, candidates.date_filed
from candidates
anti join filings on filings.accession_number = candidates.accession_number
order by candidates.date_filed, candidates.accession_number
limit $max_filings
