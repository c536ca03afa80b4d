"""Fetch full submissions into the raw archive; every miss becomes a typed failure, never an exception."""

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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
    targets: Sequence[SubmissionTarget],
    on_done: Callable[[], object] = lambda: None,
    workers: int = 1,
) -> tuple[list[str], list[FetchFailure]]:
    """Fetch each target into the archive with `workers` threads; return (fetched accessions, failures) in order.

    Threads overlap network waits; the client's shared limiter still spaces every request, so more workers
    never means more than the allowed rate. Bytes that do not end like a whole submission are not archived:
    a cut-short download would otherwise be replayed forever as if it were the filing.
    """

    def fetch_one(target: SubmissionTarget) -> FetchFailure | None:
        try:
            return _fetch_one(client, archive, target)
        finally:
            on_done()

    if workers <= 1:
        outcomes = [fetch_one(target) for target in targets]
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
            outcomes = list(pool.map(fetch_one, targets))
    archive.sync()
    fetched = [target.accession_number for target, outcome in zip(targets, outcomes, strict=True) if outcome is None]
    return fetched, [outcome for outcome in outcomes if outcome is not None]


def _fetch_one(client: EdgarClient, archive: RawArchive, target: SubmissionTarget) -> FetchFailure | None:
    accession = Accession.parse(target.accession_number)
    try:
        path = submission_path_from_index(target.file_name, accession)
    except ValueError as error:
        return FetchFailure(target.accession_number, "invalid_index_file_name", str(error), None)
    url = client.url_for(path)
    try:
        raw = client.get(path)
        check_complete(raw)
    except FetchError as error:
        return FetchFailure(target.accession_number, error.reason, error.detail, error.url)
    except SubmissionFormatError as error:
        return FetchFailure(target.accession_number, error.reason, error.detail, url)
    archive.write(accession, raw)
    return None
