-- The alerts whose firing or latest revision the read copy first held at or after $since (UTC), newest first.
select *
from alerts
where revision_published_at >= $since
order by revision_published_at desc, alert_key
