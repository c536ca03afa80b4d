-- grain: one row per alert revision posted to the webhook (INSIDER_ALERT_WEBHOOK)
-- key: alert_key, revision
-- attempts counts the posts tried, over runs; delivered_at is set once the webhook took it, last_error says why the
-- last attempt failed. A revision not delivered is posted again by the next run. The webhook's address is a secret
-- (Slack's carries its token) and is not kept.
create table if not exists alert_deliveries (
    alert_key VARCHAR,
    revision INTEGER,
    attempts INTEGER,
    last_attempt_at TIMESTAMP,
    delivered_at TIMESTAMP,
    last_error VARCHAR
);
