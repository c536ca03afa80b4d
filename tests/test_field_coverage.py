"""The field-coverage report: every element path of the real sample lands in a column; unknown ones are named."""

import subprocess
import sys
from pathlib import Path

from lxml import etree

from transforms.field_coverage import coverage, element_paths
from transforms.ownership_fields import KNOWN_PATHS, element_destinations
from transforms.tables import FILING_TABLES


def test_every_destination_names_a_real_column():
    for path, destination in element_destinations().items():
        if destination.startswith("("):
            continue
        table, _, column = destination.partition(".")
        table = table.split()[0]
        column = column.split()[0] if column else None
        assert table in FILING_TABLES, (path, destination)
        assert column is None or column in FILING_TABLES[table], (path, destination)


def test_parser_and_report_share_one_map():
    assert {"/".join(path) for path in KNOWN_PATHS} == set(element_destinations())


def test_the_report_counts_paths_as_lxml_sees_them(shared_sample: Path):
    path = shared_sample / "documents/form3.snow.nonderiv.xml"
    counted = element_paths(path.read_bytes())
    root = etree.fromstring(path.read_bytes())
    assert counted["ownershipDocument/reportingOwner"] == len(root.findall("reportingOwner")) == 2
    assert sum(counted.values()) == sum(1 for _ in root.iter(etree.Element))


def test_an_unknown_element_shows_as_unmapped():
    document = b"<ownershipDocument><schemaVersion>X0609</schemaVersion><newThing>1</newThing></ownershipDocument>"
    report = coverage([document])
    assert {row.path: row.destination for row in report.rows} == {
        "ownershipDocument": "(container)",
        "ownershipDocument/schemaVersion": "filings.schema_version",
        "ownershipDocument/newThing": None,
    }


def test_coverage_command_on_the_sample_reports_no_unmapped_element(shared_sample: Path):
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "coverage", str(shared_sample)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    last = done.stdout.strip().splitlines()[-1]
    documents = len(list((shared_sample / "documents").glob("*.xml"))) + 3  # plus the three XML submissions
    assert last.startswith(f"{documents} documents,") and last.endswith(" 0 unmapped"), last
    assert "UNMAPPED" not in done.stdout
