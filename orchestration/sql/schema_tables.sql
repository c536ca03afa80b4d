-- The base tables of the warehouse's main schema (not views, not temporary tables).
select table_name
from duckdb_tables()
where database_name = current_database() and schema_name = 'main' and not temporary
