"""Readers never blocked: a notebook holding the published copy keeps its snapshot while the nightly run writes."""

import filecmp
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.publish import (
    BLOCK_BYTES,
    HEADER_BYTES,
    MANIFEST_PREFIX,
    block_checksums,
    hold_against_writers,
    publish,
    sync_changed_blocks,
)
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


def rows_in(path: Path, table: str = "t") -> int:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.table(table).count("*").fetchall()[0][0]
    finally:
        connection.close()


def filings_in(path: Path) -> int:
    return rows_in(path, "filings")


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


def add_rows(warehouse: Path, count: int) -> None:
    connection = duckdb.connect(str(warehouse))
    try:
        connection.execute("create table if not exists t (n bigint, text varchar)")
        connection.execute("insert into t select range, repeat('x', 50) from range(?)", [count])
    finally:
        connection.close()


def test_each_publish_leaves_the_read_copy_byte_equal_and_keeps_the_replaced_copy_as_standby(tmp_path: Path):
    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb"
    standby = published.with_name(".standby-warehouse.duckdb")
    for count in (200_000, 1_000, 50_000):
        add_rows(warehouse, count)
        publish(warehouse, published)
        assert published.read_bytes() == warehouse.read_bytes()
        assert standby.exists()  # the first publish makes its own, so that the second is not a full copy too
    assert rows_in(published) == 251_000
    copies = sorted(p.name for p in published.parent.iterdir() if not p.name.startswith(MANIFEST_PREFIX))
    assert copies == [standby.name, published.name]


def test_only_the_blocks_that_differ_are_rewritten_and_any_target_ends_equal(tmp_path: Path):
    source = tmp_path / "source"
    source.write_bytes(os.urandom(5 * BLOCK_BYTES + 123))
    target = tmp_path / "target"
    changed = bytearray(source.read_bytes())
    changed[BLOCK_BYTES + 7] ^= 0xFF  # one byte in the second block
    changed[4 * BLOCK_BYTES] ^= 0xFF  # and one in the fifth
    target.write_bytes(bytes(changed) + b"a longer tail from a bigger old copy")
    descriptor = os.open(target, os.O_RDWR)
    try:
        with source.open("rb") as reader:
            written = sync_changed_blocks(reader, descriptor).written
    finally:
        os.close(descriptor)
    assert written == 2 * BLOCK_BYTES
    assert target.read_bytes() == source.read_bytes()
    target.write_bytes(b"")  # a copy cut off at nothing (a run killed while writing it) heals too
    descriptor = os.open(target, os.O_RDWR)
    try:
        with source.open("rb") as reader:
            assert sync_changed_blocks(reader, descriptor).written == source.stat().st_size
    finally:
        os.close(descriptor)
    assert target.read_bytes() == source.read_bytes()


def test_a_reader_still_holding_the_standby_keeps_its_snapshot(tmp_path: Path):
    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb"
    add_rows(warehouse, 1_000)
    publish(warehouse, published)
    readers_file = published.stat().st_ino
    reader = subprocess.Popen(
        [sys.executable, "-c", READER.replace("filings", "t"), str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert int(reader.stdout.readline()) == 1_000
        for count in (2_000, 3_000):  # the reader's file is the standby after the first of these
            add_rows(warehouse, count)
            publish(warehouse, published)
            assert published.read_bytes() == warehouse.read_bytes()
            assert published.stat().st_ino != readers_file  # never rewritten and put back in front of readers
        reader.stdin.write("go\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == 1_000
        assert reader.wait(timeout=30) == 0
    finally:
        reader.kill()
    assert rows_in(published) == 6_000
    add_rows(warehouse, 4_000)  # with the reader gone, its old file is the standby again and is brought up to date
    publish(warehouse, published)
    assert rows_in(published) == 10_000
    assert published.read_bytes() == warehouse.read_bytes()


def blocks_differing(old: bytes, new: bytes) -> list[int]:
    """The DuckDB blocks whose bytes differ between two versions of a file, by comparing them."""
    count = max(len(old), len(new)) - HEADER_BYTES
    return [
        index
        for index in range(-(-count // BLOCK_BYTES))
        if old[HEADER_BYTES + index * BLOCK_BYTES :][:BLOCK_BYTES]
        != new[HEADER_BYTES + index * BLOCK_BYTES :][:BLOCK_BYTES]
    ]


def checksums_of(path: Path) -> list[bytes] | None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        return block_checksums(descriptor)
    finally:
        os.close(descriptor)


def add_incompressible_rows(warehouse: Path, start: int, count: int) -> None:
    connection = duckdb.connect(str(warehouse))
    try:
        connection.execute("create table if not exists digests (n bigint, text varchar)")
        connection.execute(
            "insert into digests select range, md5(range::varchar) from range(?, ?)", [start, start + count]
        )
    finally:
        connection.close()


def test_with_a_manifest_only_the_blocks_whose_checksum_changed_are_read_and_rewritten(tmp_path: Path):
    source, target = tmp_path / "warehouse.duckdb", tmp_path / "copy.duckdb"
    add_incompressible_rows(source, 0, 300_000)
    old = source.read_bytes()
    target.write_bytes(old)
    recorded = checksums_of(source)
    assert recorded is not None and len(recorded) == (len(old) - HEADER_BYTES) // BLOCK_BYTES > 10
    add_incompressible_rows(source, 300_000, 2_000)
    new = source.read_bytes()
    changed = blocks_differing(old, new)
    assert 0 < len(changed) < len(recorded) // 2
    # A byte of the target in a block the night left alone, changed behind the manifest's back: the manifest is
    # trusted and the target not read, so it stays (a manifest is forgotten before any write: see below).
    untouched = next(index for index in range(len(recorded)) if index not in changed)
    flipped = HEADER_BYTES + untouched * BLOCK_BYTES + 100
    damaged = bytearray(old)
    damaged[flipped] ^= 0xFF
    target.write_bytes(bytes(damaged))
    descriptor = os.open(target, os.O_RDWR)
    try:
        with source.open("rb") as reader:
            synced = sync_changed_blocks(reader, descriptor, recorded)
    finally:
        os.close(descriptor)
    assert synced.written == HEADER_BYTES + len(changed) * BLOCK_BYTES  # every block that differs, and no other
    assert synced.checksums == checksums_of(source)
    result = bytearray(target.read_bytes())
    assert result[flipped] != new[flipped]
    result[flipped] ^= 0xFF
    assert bytes(result) == new


def test_a_file_not_laid_out_as_duckdbs_has_no_checksums_and_is_compared_in_full(tmp_path: Path):
    odd = tmp_path / "odd"
    odd.write_bytes(os.urandom(HEADER_BYTES + 2 * BLOCK_BYTES))  # the right size, not DuckDB's magic
    assert checksums_of(odd) is None
    target = tmp_path / "target"
    target.write_bytes(b"")
    descriptor = os.open(target, os.O_RDWR)
    try:
        with odd.open("rb") as reader:
            synced = sync_changed_blocks(reader, descriptor, [b"\0" * 8, b"\0" * 8])
    finally:
        os.close(descriptor)
    assert synced.checksums is None and synced.written == odd.stat().st_size
    assert target.read_bytes() == odd.read_bytes()


def test_a_standby_changed_behind_its_manifest_is_compared_in_full_and_ends_equal(tmp_path: Path):
    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb"
    standby = published.with_name(".standby-warehouse.duckdb")
    for count in (20_000, 1_000, 1_000, 1_000):  # full copies the first two nights, then manifests for both copies
        add_rows(warehouse, count)
        publish(warehouse, published)
    manifests = sorted(p.name for p in published.parent.glob(f"{MANIFEST_PREFIX}*"))
    assert manifests == sorted(f"{MANIFEST_PREFIX}{p.stat().st_ino}" for p in (published, standby))
    damaged = bytearray(standby.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # a byte its manifest does not know of (the file's mtime moves)
    standby.write_bytes(bytes(damaged))
    add_rows(warehouse, 1_000)
    publish(warehouse, published)
    assert published.read_bytes() == warehouse.read_bytes()
    assert rows_in(published) == 24_000


WRITER = textwrap.dedent(
    """
    import sys, duckdb
    try:
        connection = duckdb.connect(sys.argv[1])
    except duckdb.IOException as error:
        print("refused", error, flush=True)
        sys.exit(0)
    print("open", flush=True)
    sys.stdin.readline()
    """
)


def test_no_writer_opens_the_warehouse_while_its_copy_is_taken(tmp_path: Path):
    # The copy is hashed where it lies in the page cache (mapped): a writer changing or shrinking the file then
    # would tear the copy or kill the run, so publishing holds the readers' lock, and refuses a writer's file.
    warehouse = tmp_path / "warehouse.duckdb"
    connection = duckdb.connect(str(warehouse))
    connection.execute("create table t as select range as x from range(1000)")
    connection.close()
    with warehouse.open("rb") as source:
        hold_against_writers(source.fileno(), warehouse)
        writer = subprocess.run([sys.executable, "-c", WRITER, str(warehouse)], capture_output=True, text=True)
        assert writer.stdout.startswith("refused") and "lock" in writer.stdout.lower(), writer.stdout + writer.stderr
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "open"  # the lock went with the file: writers open it again
        with warehouse.open("rb") as source, pytest.raises(RuntimeError, match="opened for writing"):
            hold_against_writers(source.fileno(), warehouse)
    finally:
        writer.communicate("\n")


COMPARER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from orchestration.publish import sync_changed_blocks

    def peak_mb():
        return int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]) // 1024

    target = os.open(sys.argv[2], os.O_RDWR | os.O_CREAT)
    before = peak_mb()
    with open(sys.argv[1], "rb") as source:
        sync_changed_blocks(source, target)
    print(peak_mb() - before)
    """
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc (Linux)")
def test_comparing_a_file_in_full_does_not_hold_all_of_it_resident(tmp_path: Path):
    from orchestration.publish import WINDOW_BYTES

    big = tmp_path / "warehouse.duckdb"
    chunk = os.urandom(1 << 20)
    with big.open("wb") as handle:
        for _ in range(8 * WINDOW_BYTES // len(chunk)):
            handle.write(chunk)
    copy = tmp_path / "copy.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", COMPARER, str(big), str(copy)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    grown_mb = int(done.stdout)
    # Mapped whole, the file's 512 MiB would all count as resident; a window at a time, one window is.
    assert grown_mb < 4 * WINDOW_BYTES >> 20, grown_mb
    assert filecmp.cmp(big, copy, shallow=False)


def test_a_publish_says_how_many_bytes_it_wrote_and_a_small_change_writes_few(tmp_path: Path):
    """The first publish copies the whole file (twice: the read copy and its standby); the next, a few rows
    more, rewrites a few blocks."""
    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb"
    connection = duckdb.connect(str(warehouse))
    connection.execute("create table digests as select range as n, md5(range::varchar) as text from range(500000)")
    connection.close()  # about 20 MB that does not compress: many blocks
    first = publish(warehouse, published)
    assert first.bytes_written == warehouse.stat().st_size
    add_rows(warehouse, 10)
    later = publish(warehouse, published)
    assert published.read_bytes() == warehouse.read_bytes()
    assert 0 < later.bytes_written < warehouse.stat().st_size / 4
