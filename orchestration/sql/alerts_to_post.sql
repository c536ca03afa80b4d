-- The alert revisions the read copy holds that the webhook is still to be given, oldest first: each alert's
-- current revision, published, neither delivered, refused nor skipped. too_old: never tried, and its filing is more
-- than $max_age_days before the newest filing the warehouse holds (a history load's firing): recorded as skipped,
-- not posted. A revision that was tried and failed is posted whatever its age. earlier_delivered: the webhook has
-- had an earlier revision of the alert, so this one is told as a revision; else as the alert itself.
with newest as (
    select max(filing_date) as filing_date from filings
)

select
    alerts.*,
    tried.alert_key is null
    and alerts.filing_date < (select filing_date from newest) - cast($max_age_days as integer) as too_old,
    exists (
        select 1 from alert_deliveries as earlier
        where
            earlier.alert_key = alerts.alert_key
            and earlier.revision < alerts.revision
            and earlier.status = 'delivered'
    ) as earlier_delivered
from alerts
left join alert_deliveries as tried
    on tried.alert_key = alerts.alert_key and tried.revision = alerts.revision
where
    alerts.revision_published_at is not null
    and coalesce(tried.status, 'failed') = 'failed'
order by alerts.revision_published_at, alerts.alert_key
