"""Where the SEC publishes a quarter's Form 345 data set, and its zip read safely.

One zip per quarter since 2006q1, `{yyyy}q{n}_form345.zip`, under one of two paths the SEC has used for these
sets. A quarter answers 404 on both until the SEC publishes it, in the weeks after the quarter ends: before
`publication_deadline` that is normal ("not published yet"); after it, the quarter is missing, an error.
"""

import io
import zipfile
import zlib
from datetime import date, timedelta

from transforms.f345.reader import F345_FILES
from transforms.quarters import next_quarter_start, quarter_start

DATA_SET_FOLDERS = (
    "/files/structureddata/data/insider-transactions-data-sets/",
    "/files/datastandardsinnovation/data/insider-transactions-data-sets/",
)
FIRST_QUARTER = date(2006, 1, 1)
# A member larger than this is not a quarter's TSV (the largest real ones are a few hundred MB): a zip bomb.
MAX_MEMBER_BYTES = 4 << 30


class F345ZipError(ValueError):
    """A downloaded zip that is not a usable data set; the message says what is wrong with it."""


def publication_deadline(label: str) -> date:
    """The last day of the month after the quarter ends (2024q3 → 2024-10-31): by then the SEC has published the
    quarter's data set, so a 404 after it means the set is missing, not late."""
    after = next_quarter_start(quarter_start(label))
    months = after.year * 12 + after.month  # the first day of the month after that
    return date(months // 12, months % 12 + 1, 1) - timedelta(days=1)


def zip_name(label: str) -> str:
    return f"{label}_form345.zip"


def candidate_paths(label: str) -> list[str]:
    """The paths a quarter's zip may be found at, most recent first."""
    return [folder + zip_name(label) for folder in DATA_SET_FOLDERS]


def read_quarter_zip(data: bytes) -> dict[str, bytes]:
    """The data set's TSVs (file stem → bytes) from a quarter's zip; other members (the metadata json) ignored.
    Every TSV is read to its end, so its CRC is checked: a damaged member raises F345ZipError, never a short file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise F345ZipError(f"not a zip file ({error}): a download cut short or an error page") from None
    files = {}
    with archive:
        for member in archive.infolist():
            stem = member.filename.rsplit("/", 1)[-1].removesuffix(".tsv")
            if stem not in F345_FILES or not member.filename.endswith(".tsv"):
                continue
            if stem in files:  # two copies of one file: which is the data set is not ours to guess
                raise F345ZipError(f"{member.filename}: a second {stem}.tsv in one data set")
            if member.file_size > MAX_MEMBER_BYTES:
                raise F345ZipError(f"{member.filename} claims {member.file_size:,} bytes, more than any real data set")
            try:
                with archive.open(member) as handle:
                    content = handle.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                raise F345ZipError(
                    f"{member.filename} is damaged ({error}): a download cut short or corrupted"
                ) from None
            if len(content) > MAX_MEMBER_BYTES:
                raise F345ZipError(f"{member.filename} unpacks to more than {MAX_MEMBER_BYTES:,} bytes")
            files[stem] = content
    if "SUBMISSION" not in files:
        raise F345ZipError(f"no SUBMISSION.tsv among {sorted(archive.namelist())[:8]}")
    return files
