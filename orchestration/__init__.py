"""Dagster definitions and the glue that joins transforms/, sql/ and the DuckDB warehouse."""

import warnings

from dagster import BetaWarning

# The single-run backfill policy is beta, and chosen (one run per range of days): say so once here, not in every
# process that loads the definitions (`dg dev`, the CLI, the tests).
warnings.filterwarnings("ignore", category=BetaWarning)
