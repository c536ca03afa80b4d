-- A poll that could not read the feed: when, and why ($failure, 'reason: detail'). It moves no cursor.
insert into feed_polls (polled_at, filings, failure)
values ($polled_at::timestamp, 0, $failure)
