-- grain: one row per alert revision the webhook (INSIDER_ALERT_WEBHOOK) was given, or was decided not to be given
-- key: alert_key, revision
-- status says where each stands: delivered (delivered_at set), failed (the webhook was down or answered 5xx/429:
-- posted again by every later run and poll until it takes it), refused (it answered another 4xx: the payload will
-- not change, so it is not posted again until `insider-warehouse alerts --retry-refused`), skipped (never posted:
-- its filing is older than INSIDER_ALERT_MAX_AGE_DAYS before the newest one, as a history load's are; last_error
-- says so), superseded (a later revision of the alert was posted instead). attempts counts the posts tried, over
-- runs; last_error says why the last one failed. The webhook's address is a secret (Slack's carries its token) and
-- is not kept.
create table if not exists alert_deliveries (
    alert_key VARCHAR,
    revision INTEGER,
    attempts INTEGER,
    last_attempt_at TIMESTAMP,
    delivered_at TIMESTAMP,
    last_error VARCHAR,
    status VARCHAR
);
