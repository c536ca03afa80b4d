-- The Form 345 quarters of a run ($subjects: 'f345/2024q3', …) that could not be loaded: an open failure at
-- stage f345 (a rerun that loads the quarter resolves it).
select subject, reason, detail
from ingest_failures
where stage = 'f345' and resolved_at is null and list_contains($subjects, subject)
order by subject
