"""Readers never blocked: a notebook holding the published copy keeps its snapshot while the nightly run writes."""

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb

from tests.conftest import materialize_days

READER = textwrap.dedent(
    """
    import sys, duckdb
    connection = duckdb.connect(sys.argv[1], read_only=True)
    count = lambda: connection.sql("select count(*) from filings").fetchall()[0][0]
    print(count(), flush=True)
    sys.stdin.readline()          # the run happens now
    print(count(), flush=True)    # the same snapshot, no error
    """
)


def filings_in(path: Path) -> int:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.sql("select count(*) from filings").fetchall()[0][0]
    finally:
        connection.close()


def test_a_reader_keeps_its_snapshot_while_a_run_writes_and_publishes(tmp_path: Path, fixture_mirror):
    assert materialize_days(tmp_path, fixture_mirror.base_url, date(2025, 1, 2), date(2025, 1, 3)).success
    published = tmp_path / "published" / "warehouse.duckdb"
    before = filings_in(published)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert int(reader.stdout.readline()) == before
        result = materialize_days(tmp_path, fixture_mirror.base_url, date(2025, 1, 6), date(2025, 1, 10))
        assert result.success  # the writer was not blocked by the open reader
        reader.stdin.write("go\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == before  # the reader was not disturbed either
        assert reader.wait(timeout=30) == 0
    finally:
        reader.kill()
    assert filings_in(published) > before  # a new connection sees the new run
