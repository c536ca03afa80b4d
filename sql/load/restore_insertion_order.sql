-- After a load: back to DuckDB's default, so model builds and ad-hoc queries keep their usual ordering.
reset preserve_insertion_order;
