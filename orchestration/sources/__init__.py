"""The ways data comes in, one package each, registered in orchestration/definitions.py.

A source package holds its Dagster assets, its load and its jobs and schedules, and exposes them as `ASSETS`,
`JOBS`, `SCHEDULES` and `SENSORS`, with `FILING_TABLE_LOADERS` (its assets that load the filing tables, which feed
the model); through tags it names its verdict asset and the kind of its runs (orchestration/sources/load_jobs.py).
What every source uses (the EDGAR client and rate limit, the raw archive, the fetch → archive → parse path, the
parse pool, the warehouse connection, load and refresh) stays in orchestration/ and transforms/, and names no
source. Its pure readers live in transforms/, beside every other parser, in a package of the source's name (the
data sets': transforms/f345/).
"""
