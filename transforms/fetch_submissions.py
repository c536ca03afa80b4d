"""Fetch full submissions into the raw archive; every miss becomes a typed failure, never an exception."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from transforms.accession import Accession
from transforms.edgar_client import EdgarClient, FetchError
from transforms.edgar_urls import submission_path_from_index
from transforms.raw_archive import RawArchive
from transforms.sgml import SubmissionFormatError, check_complete


@dataclass(frozen=True)
class SubmissionTarget:
    """One filing to fetch: its accession, the file an index names for it, the day the index listed it."""

    accession_number: str
    file_name: str
    date_filed: date


@dataclass(frozen=True)
class FetchFailure:
    """Why a submission is not in the archive after this attempt."""

    accession_number: str
    reason: str
    detail: str
    url: str | None


def fetch_into_archive(
    client: EdgarClient,
    archive: RawArchive,
    targets: Iterable[SubmissionTarget],
    on_done: Callable[[], None] = lambda: None,
) -> tuple[list[str], list[FetchFailure]]:
    """Fetch each target not yet archived; return (fetched accessions, failures).

    Bytes that do not end like a whole submission are not archived: a cut-short download would otherwise
    be replayed forever as if it were the filing.
    """
    fetched: list[str] = []
    failures: list[FetchFailure] = []
    for target in targets:
        accession = Accession.parse(target.accession_number)
        try:
            path = submission_path_from_index(target.file_name, accession)
        except ValueError as error:
            failures.append(FetchFailure(target.accession_number, "invalid_index_file_name", str(error), None))
            on_done()
            continue
        url = client.url_for(path)
        try:
            raw = client.get(path)
            check_complete(raw)
        except FetchError as error:
            failures.append(FetchFailure(target.accession_number, error.reason, error.detail, error.url))
        except SubmissionFormatError as error:
            failures.append(FetchFailure(target.accession_number, error.reason, error.detail, url))
        else:
            archive.write(accession, raw)
            fetched.append(target.accession_number)
        on_done()
    return fetched, failures
