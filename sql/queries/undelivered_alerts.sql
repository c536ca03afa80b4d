-- The alert revisions the read copy holds that the webhook has not taken, oldest first: those of filings within
-- $max_age_days of the newest filing the warehouse holds (older ones came with a history load, and stay in alerts).
select alerts.*
from alerts
left join alert_deliveries as delivered
    on
        delivered.alert_key = alerts.alert_key
        and delivered.revision = alerts.revision
        and delivered.delivered_at is not null
where
    alerts.revision_published_at is not null
    and delivered.alert_key is null
    and alerts.filing_date >= (select max(filing_date) from filings) - cast($max_age_days as integer)
order by alerts.revision_published_at, alerts.alert_key
