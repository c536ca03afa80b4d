"""Daily partitions in New York time, from the first day of EDGAR's XML ownership filings."""

import dagster as dg

from orchestration.settings import FIRST_XML_OWNERSHIP_DAY as FIRST_DAY

FIRST_XML_OWNERSHIP_DAY = FIRST_DAY.isoformat()
EDGAR_TIMEZONE = "America/New_York"

daily_partitions = dg.DailyPartitionsDefinition(start_date=FIRST_XML_OWNERSHIP_DAY, timezone=EDGAR_TIMEZONE)
