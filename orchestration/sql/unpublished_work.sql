-- What the writer holds that the read copy does not yet, as a run stopped between its load and its publish leaves
-- it: filings loaded and not refreshed (model_pending), issuers refreshed and not published (model_scope, emptied
-- by the publish), feed filings loaded and alerts merged that no read copy held yet. All zero: nothing to finish.
select
    (select count(*) from model_pending) as filings_not_refreshed,
    (select count(*) from model_scope) as issuers_not_published,
    (select count(*) from filing_latency where loaded_at is not null and published_at is null)
        as feed_filings_not_published,
    (select count(*) from alerts where revision_published_at is null) as alerts_not_published
