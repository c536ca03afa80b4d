-- One row per filing listed before $first_day that is still not loaded and has an open failure worth retrying:
-- fewer than $max_attempts attempts. Past that it stays quarantined until someone resets its attempts.
with open_failures as (
    select subject as accession_number, max(attempts) as attempts
    from ingest_failures
    where stage in ('fetch', 'parse') and resolved_at is null
    group by subject
),

retryable as (
    select
        entries.accession_number,
        entries.file_name,
        entries.date_filed
    from index_entries as entries
    inner join open_failures on open_failures.accession_number = entries.accession_number
    where
        entries.date_filed < $first_day
        and open_failures.attempts < $max_attempts
        and entries.accession_number not in (select accession_number from filings)
)

select accession_number, file_name, date_filed
from retryable
order by date_filed, accession_number
limit $max_filings
