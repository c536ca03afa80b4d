-- What the read copy about to be published holds for the first time: the filings the feed brought, and the alerts
-- and alert revisions of this run.
update filing_latency set published_at = $now
where published_at is null and loaded_at is not null;

update alerts set first_published_at = $now
where first_published_at is null;

update alerts set revision_published_at = $now
where revision_published_at is null;
