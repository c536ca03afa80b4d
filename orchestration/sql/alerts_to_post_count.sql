-- How many published alert revisions the webhook is still to get or be told of (see alerts_to_post.sql): any is
-- reason enough for a feed poll that found nothing to post them.
select count(*)
from alerts
left join alert_deliveries as tried
    on tried.alert_key = alerts.alert_key and tried.revision = alerts.revision
where alerts.revision_published_at is not null and coalesce(tried.status, 'failed') = 'failed'
