-- reads: batch_calendar
-- writes: calendar
-- Replace the calendar with batch_calendar (computed from the EDGAR holiday rules in transforms/edgar_calendar.py).
delete from calendar;
insert into calendar by name select * from batch_calendar;
