-- The versions of the alert screens (sql/models/alert_*.sql) as one text: the digest of each screen's last full
-- build. The alerts merge records the text it last merged in full under model_versions' row 'alerts'; while it is
-- the same, a screen changed only for the issuers the runs refreshed (model_scope).
select string_agg(model_name || '=' || digest, ',' order by model_name) as screen_versions
from model_versions
where starts_with(model_name, 'alert_')
