-- Record that the warehouse now holds schema `version` (a migration's number, or the latest for a fresh one).
insert into schema_version (version, migration, applied_at) values ($version, $name, $now);
