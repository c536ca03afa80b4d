-- The schema version the warehouse holds: the highest one recorded.
select max(version) from schema_version
