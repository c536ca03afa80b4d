"""Where things live on EDGAR, relative to the base URL (`https://www.sec.gov` or a mirror).

Paths are built only from validated parts (dates, integers, parsed accession numbers), never from
strings read out of an index, so nothing a file says can steer a request elsewhere.
"""

import re
from datetime import date

from transforms.accession import Accession
from transforms.quarters import quarter_of

DAILY_INDEX_KINDS = ("master", "form", "company")


def daily_index_path(kind: str, day: date) -> str:
    """`Archives/edgar/daily-index/2020/QTR1/master.20200318.idx`."""
    if kind not in DAILY_INDEX_KINDS:
        raise ValueError(f"unknown index kind {kind!r}; expected one of {DAILY_INDEX_KINDS}")
    return f"Archives/edgar/daily-index/{day.year}/QTR{quarter_of(day)}/{kind}.{day:%Y%m%d}.idx"


def full_index_path(kind: str, year: int, quarter: int) -> str:
    """`Archives/edgar/full-index/2020/QTR1/master.idx`: the quarterly index used for backfills."""
    if kind not in DAILY_INDEX_KINDS or quarter not in (1, 2, 3, 4):
        raise ValueError(f"bad quarterly index request: {kind!r} {year} QTR{quarter}")
    return f"Archives/edgar/full-index/{year}/QTR{quarter}/{kind}.idx"


def submission_path(accession: Accession, cik: int) -> str:
    """`Archives/edgar/data/<cik>/<accession>.txt`: the complete submission, header and all documents."""
    if cik < 0:
        raise ValueError(f"negative CIK {cik}")
    return f"Archives/edgar/data/{cik}/{accession}.txt"


def index_file_name(accession: str, cik: int) -> str:
    """The name an index gives a submission (`edgar/data/<cik>/<accession>.txt`): how a filing known by accession and
    CIK alone (a data set's line) joins the path every fetch takes."""
    return f"edgar/data/{cik}/{accession}.txt"


_INDEX_FILE_NAME = re.compile(r"edgar/data/(\d{1,10})/(\d{10}-\d{2}-\d{6})\.txt")


def submission_path_from_index(file_name: str, accession: Accession) -> str:
    """The submission path an index line names, checked: only `edgar/data/<cik>/<this accession>.txt` passes."""
    match = _INDEX_FILE_NAME.fullmatch(file_name.strip())
    if match is None or match.group(2) != str(accession):
        raise ValueError(f"index file name {file_name!r} is not edgar/data/<cik>/{accession}.txt")
    return submission_path(accession, int(match.group(1)))
