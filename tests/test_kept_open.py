"""A run keeps one DuckDB instance open across its steps: shared data, its own sessions, the lock released."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.publish import publish
from orchestration.warehouse_connection import WarehouseLockedError, connect, kept_open


def opened_elsewhere(path: Path) -> str:
    """What another process gets when it opens `path` for writing: 'opened' or DuckDB's error text."""
    code = (
        "import duckdb, sys\n"
        "try:\n    duckdb.connect(sys.argv[1]).close(); print('opened')\n"
        "except duckdb.IOException as error:\n    print(error)\n"
    )
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True).stdout.strip()


def test_connections_inside_the_block_share_one_instance_but_not_sessions(tmp_path: Path):
    path = tmp_path / "warehouse.duckdb"
    with kept_open(path):
        writer = connect(path)
        writer.execute("create table t as select 1 as x")
        writer.execute("create temp table mine as select 2 as y")
        writer.close()  # a cursor: the instance stays open
        reader = connect(path, read_only=True)
        assert reader.sql("select x from t").fetchall() == [(1,)]
        with pytest.raises(duckdb.CatalogException):
            reader.sql("select * from mine")  # temp tables stay in the session that made them
        reader.close()
        assert "lock" in opened_elsewhere(path).lower()  # held for the whole block, not one step
    assert opened_elsewhere(path) == "opened"  # and released when it ends


def test_nothing_is_opened_until_the_first_connection(tmp_path: Path):
    path = tmp_path / "warehouse.duckdb"
    with kept_open(path):
        assert not path.exists()
    assert not path.exists()


def test_publishing_inside_the_block_leaves_the_warehouse_writable_and_locked(tmp_path: Path):
    path = tmp_path / "warehouse.duckdb"
    published = tmp_path / "published" / "warehouse.duckdb"
    with kept_open(path):
        connection = connect(path)
        connection.execute("create table t as select range as x from range(1000)")
        connection.close()
        for night in range(3):  # the first publish copies; the later ones bring the standby up to date
            publish(path, published)
            connection = connect(path)
            connection.execute("insert into t values (1000 + $n)", {"n": night})
            connection.close()
            assert "lock" in opened_elsewhere(path).lower()  # the kept instance holds DuckDB's lock again
        publish(path, published)
    reader = duckdb.connect(str(published), read_only=True)
    assert reader.sql("select count(*), max(x) from t").fetchall() == [(1003, 1002)]
    reader.close()


def test_a_second_writer_waits_for_the_block_and_says_what_to_do(tmp_path: Path):
    path = tmp_path / "warehouse.duckdb"
    with kept_open(path):
        connect(path).close()
        code = (
            "import sys; from pathlib import Path; from orchestration.warehouse_connection import connect\n"
            "connect(Path(sys.argv[1]), wait_seconds=0.2)\n"
        )
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert done.returncode != 0 and WarehouseLockedError.__name__ in done.stderr
    assert "published read copy" in done.stderr
