-- The digest (SQL and bound parameters) a model's table was last built from fully; none when never built.
select digest from model_versions where model_name = $name
