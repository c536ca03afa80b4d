-- asset: positions
-- severity: warn
-- One row per position interval with negative shares or value: kept as filed, flagged here for review.
select position_key, valid_from, shares, value, source_accession_number, source_line_number
from positions
where shares < 0 or value < 0
