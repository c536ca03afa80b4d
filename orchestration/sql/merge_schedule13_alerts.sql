-- The Schedule 13D/G rules' firings (sql/views/schedule13_firings.sql), made ready to merge into alerts
-- (apply_alert_firings.sql), whole each time: the rules read the holder chains, a few rows per filer and issuer, so
-- this merge answers for every Schedule 13D/G alert.
create or replace temp table alert_firings as
from schedule13_alert_firings();

create or replace temp table answered_alerts as
select alert_key from alerts where table_kind = 'schedule13';
