-- Mark open failures of subjects that have now succeeded at a stage as resolved (the row and its history stay).
-- Inputs: batch_resolved(subject, stage), $now.
update ingest_failures as known
set resolved_at = $now
from batch_resolved as done
where known.subject = done.subject and known.stage = done.stage and known.resolved_at is null;
