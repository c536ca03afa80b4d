-- The filings the feed brought that the read copy about to be published holds for the first time.
update filing_latency set published_at = $now
where published_at is null and loaded_at is not null;
