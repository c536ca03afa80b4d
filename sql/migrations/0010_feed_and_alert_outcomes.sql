-- Migration 10: what went wrong is recorded where it happened. A poll of the latest-filings feed that could not
-- read the feed is a feed_polls row with its failure (the cursor stays the last good poll's). Each alert delivery
-- says where it stands (status: delivered, failed, refused, skipped, superseded), so a refused post is not retried
-- forever and an alert never posted says why; deliveries recorded before it are delivered or failed, as their
-- delivered_at says. schema_objects keeps the digest of the views and seeds last written, so opening the warehouse
-- writes them only when they change.
-- creates: schema_objects
alter table feed_polls add column if not exists failure VARCHAR;
alter table alert_deliveries add column if not exists status VARCHAR;
update alert_deliveries set status = case when delivered_at is not null then 'delivered' else 'failed' end
where status is null;
