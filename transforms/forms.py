"""The forms the warehouse loads: EDGAR's form types of the Section 16 ownership reports, as the daily indexes and
the latest-filings feed name them (amendments included)."""

OWNERSHIP_FORMS = frozenset({"3", "3/A", "4", "4/A", "5", "5/A"})
