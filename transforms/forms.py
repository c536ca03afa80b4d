"""The forms the warehouse loads, by document kind (transforms/document_kinds.py), as EDGAR's daily indexes and
latest-filings feed name them (amendments included). Kept apart from the kinds' parsers so the index and feed
readers know what to list without loading them."""

# Forms 3, 4 and 5: the Section 16 ownership reports of officers, directors and 10% owners.
OWNERSHIP_FORMS = frozenset({"3", "3/A", "4", "4/A", "5", "5/A"})
# Schedules 13D and 13G: holders of more than 5% of a class. XML since 2024-12-18 (voluntary from 2023-12-18);
# before, HTML or text under the `SC` names.
SCHEDULE13_XML_FORMS = frozenset({"SCHEDULE 13D", "SCHEDULE 13D/A", "SCHEDULE 13G", "SCHEDULE 13G/A"})
SCHEDULE13_TEXT_FORMS = frozenset({"SC 13D", "SC 13D/A", "SC 13G", "SC 13G/A"})
SCHEDULE13_FORMS = SCHEDULE13_XML_FORMS | SCHEDULE13_TEXT_FORMS
LOADED_FORMS = OWNERSHIP_FORMS | SCHEDULE13_FORMS
