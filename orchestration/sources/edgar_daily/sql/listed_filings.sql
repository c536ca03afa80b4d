-- One row per ownership filing an index listed for a filing date in [$first_day, $end_day).
select accession_number, file_name, date_filed
from index_entries
where date_filed >= $first_day and date_filed < $end_day
order by accession_number
