-- How many alerts the warehouse keeps, and how many firings or revisions the read copy does not hold yet.
select count(*), count(*) filter (where revision_published_at is null) from alerts
