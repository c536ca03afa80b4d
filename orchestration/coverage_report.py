"""`insider-warehouse coverage`: every element path in a set of filings and the warehouse column it fills."""

from collections.abc import Iterator
from pathlib import Path

from transforms.field_coverage import CoverageRow, coverage
from transforms.sgml import SubmissionFormatError, parse_submission, xml_bytes

SUBMISSION_SUFFIXES = {".txt", ".nc"}


def ownership_documents(paths: list[Path]) -> Iterator[tuple[Path, bytes]]:
    """The ownershipDocument bytes of every bare `.xml` and every submission (`.txt`, `.nc`) under `paths`."""
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".xml":
                yield file, file.read_bytes()
            elif file.suffix in SUBMISSION_SUFFIXES and not file.name.endswith(".idx"):
                try:
                    document = parse_submission(file.read_bytes()).ownership_document()
                except SubmissionFormatError:
                    continue
                if document is not None:
                    yield file, xml_bytes(document)


def format_rows(rows: list[CoverageRow]) -> list[str]:
    """Aligned lines: element path (below ownershipDocument), occurrences, documents, destination."""
    paths = [row.path.removeprefix("ownershipDocument/") for row in rows]
    width = max([len("element path"), *map(len, paths)])
    lines = [f"{'element path':<{width}}  {'seen':>7}  {'docs':>5}  lands in"]
    for path, row in zip(paths, rows, strict=True):
        destination = row.destination or "UNMAPPED (kept verbatim in unknown_elements)"
        lines.append(f"{path:<{width}}  {row.occurrences:>7}  {row.documents:>5}  {destination}")
    return lines


def run_coverage(paths: list[Path]) -> tuple[str, int]:
    """The report text and the number of unmapped paths."""
    documents = list(ownership_documents(paths))
    report = coverage(xml for _, xml in documents)
    rows = report.rows
    unmapped = sum(1 for row in rows if row.destination is None)
    summary = f"{len(documents)} documents, {len(rows)} distinct element paths, {unmapped} unmapped"
    if report.unreadable:
        summary += f"; not readable: {dict(report.unreadable)}"
    return "\n".join([*format_rows(rows), summary]), unmapped
