-- After a full build: remember which SQL and parameters the model's table now reflects.
delete from model_versions where model_name = $name;
insert into model_versions values ($name, $digest, now()::timestamp);
