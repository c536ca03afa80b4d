-- The memory limit of the DuckDB instance this connection is on, as DuckDB prints it (a history load reports it).
select current_setting('memory_limit') as memory_limit
