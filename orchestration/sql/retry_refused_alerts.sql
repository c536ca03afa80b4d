-- `insider-warehouse alerts --retry-refused`: the alerts the webhook refused (a 4xx) become failed again, so the
-- next run or feed poll posts them; returns how many.
update alert_deliveries set status = 'failed'
where status = 'refused'
returning alert_key
