"""Daily partitions in New York time, from the first day of EDGAR's XML ownership filings."""

import dagster as dg

# Rule 16a-3 electronic filing became mandatory on 2003-06-30; XML ownershipDocuments start then.
FIRST_XML_OWNERSHIP_DAY = "2003-06-30"
EDGAR_TIMEZONE = "America/New_York"

daily_partitions = dg.DailyPartitionsDefinition(start_date=FIRST_XML_OWNERSHIP_DAY, timezone=EDGAR_TIMEZONE)
