-- One row per pair of intervals of the same position that overlap (expected: none).
select earlier.position_key, earlier.valid_from, later.valid_from as overlapping_from
from positions as earlier
inner join positions as later
    on
        later.position_key = earlier.position_key
        and later.valid_from > earlier.valid_from
        and (earlier.valid_to is null or earlier.valid_to > later.valid_from)
