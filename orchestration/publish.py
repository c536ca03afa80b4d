"""The read copy analysts open: replaced atomically after each successful run, never written in place.

DuckDB allows one writing process or many readers, never both; readers open `published/warehouse.duckdb`, which
the pipeline only ever replaces by rename, so a reader that has it open keeps its snapshot and sees no error.

Copying a 3 GB warehouse every night cost more than the rest of the night's work, so the copy replaced by a
rename is kept as a *standby* (`published/.standby-warehouse.duckdb`) and brought up to date the next night by
rewriting only the blocks that differ, which after one night's checkpoint are a few percent of the file. A
reader that still has the standby open (it opened the read copy two nights ago and never closed it) holds
DuckDB's shared lock on it; the pipeline then leaves that file alone and makes a full copy instead.
"""

import fcntl
import mmap
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from orchestration.duckdb_file import BLOCK_BYTES, CHECKSUM_BYTES, HEADER_BYTES, is_duckdb_layout
from orchestration.migrations import Migration, latest_version, recorded_version
from orchestration.run_profile import profiled
from orchestration.warehouse_connection import connect, ensure_schema, release_kept

# Beside each copy, a manifest of its blocks' checksums (`.checksums-<inode>`: renames keep the inode), so the next
# night reads the standby not at all.
MANIFEST_PREFIX = ".checksums-"
_OLDER_MANIFEST_PREFIXES = (".blocks-",)  # whole-block digests an earlier release kept: removed when seen
_MANIFEST_HEADER = "<QQQ"  # size, modification time (ns) and block size of the file the checksums describe
# Reads of checksums in flight at once: a cold file's pages come from the disk in parallel.
_CHECKSUM_READERS = 8


def _copy(source: BinaryIO, target: BinaryIO) -> None:
    """In-kernel copy (`copy_file_range`: twice as fast as a read/write loop, instant on reflink filesystems)."""
    if hasattr(os, "copy_file_range"):
        remaining = os.fstat(source.fileno()).st_size
        try:
            while remaining > 0:
                copied = os.copy_file_range(source.fileno(), target.fileno(), remaining)
                if copied == 0:
                    break
                remaining -= copied
            return
        except OSError:  # e.g. across filesystems on older kernels: start over the portable way
            source.seek(0)
            target.seek(0)
            target.truncate()
    shutil.copyfileobj(source, target, length=16 * 1024 * 1024)


# Compared in full, the source is mapped a window at a time: a mapping's pages count in the process's resident
# memory while it is mapped, and a 6 GB warehouse mapped whole read as 6 GB resident, though those pages are the
# page cache's.
WINDOW_BYTES = 256 * BLOCK_BYTES  # 64 MiB, a multiple of the page size as a mapping's offset must be


@contextmanager
def _mapped(fd: int, offset: int, length: int) -> Iterator[memoryview]:
    """`length` bytes of the file `fd` from `offset`, as a read-only view of the page cache."""
    with mmap.mmap(fd, length, prot=mmap.PROT_READ, offset=offset) as mapped:
        if hasattr(mapped, "madvise"):
            mapped.madvise(mmap.MADV_SEQUENTIAL)  # read-ahead for a cold file, as a sequential read would get
        view = memoryview(mapped)
        try:
            yield view
        finally:
            view.release()  # before the map closes: a live export would make mmap.close() fail


def _windows(size: int) -> list[tuple[int, int]]:
    """(offset, length) of each window of a file of `size` bytes."""
    return [(offset, min(WINDOW_BYTES, size - offset)) for offset in range(0, size, WINDOW_BYTES)]


def _blocks(view: memoryview) -> Iterator[memoryview]:
    """Each block of `view`, released as soon as the caller is done with it (a map closes only without views)."""
    for start in range(0, len(view), BLOCK_BYTES):
        with view[start : start + BLOCK_BYTES] as block:
            yield block


def block_checksums(fd: int) -> list[bytes] | None:
    """The checksum DuckDB stored at the start of each block of the file `fd`, read one page per block with the
    kernel's read-ahead off; None when the file is not laid out as DuckDB's (then only a full compare will do)."""
    size = os.fstat(fd).st_size
    if not is_duckdb_layout(fd, size):
        return None
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
    offsets = range(HEADER_BYTES, size, BLOCK_BYTES)
    share = -(-len(offsets) // _CHECKSUM_READERS) or 1

    def read(part: range) -> list[bytes]:
        return [os.pread(fd, CHECKSUM_BYTES, offset) for offset in part]

    with ThreadPoolExecutor(max_workers=_CHECKSUM_READERS, thread_name_prefix="publish-checksums") as readers:
        parts = [offsets[start : start + share] for start in range(0, len(offsets), share)]
        return [checksum for found in readers.map(read, parts) for checksum in found]


@dataclass(frozen=True)
class Synced:
    """What bringing a copy up to date did: bytes rewritten, and the checksum of every block it now holds (None
    for a file not laid out as DuckDB's)."""

    written: int
    checksums: list[bytes] | None


def _copy_range(source_fd: int, target_fd: int, offset: int, length: int) -> int:
    return os.pwrite(target_fd, os.pread(source_fd, length, offset), offset)


def sync_changed_blocks(source: BinaryIO, target_fd: int, known_checksums: Sequence[bytes] | None = None) -> Synced:
    """Make the file `target_fd` equal to `source`, rewriting only what differs.

    With `known_checksums` (the target's blocks, from its manifest) only the blocks whose checksum in `source`
    differs are read and rewritten, and the headers always; without, the target is read beside the source and
    compared byte for byte. Whatever the target held before (yesterday's copy, a half-written copy of a killed
    run, nothing at all) it ends equal to the source. The source must not change meanwhile, which the caller's
    lock ensures.
    """
    source_fd = source.fileno()
    size = os.fstat(source_fd).st_size
    checksums = block_checksums(source_fd)
    if known_checksums is not None and checksums is not None:
        written = _copy_range(source_fd, target_fd, 0, HEADER_BYTES)
        for index, checksum in enumerate(checksums):
            if index >= len(known_checksums) or known_checksums[index] != checksum:
                written += _copy_range(source_fd, target_fd, HEADER_BYTES + index * BLOCK_BYTES, BLOCK_BYTES)
    else:
        written = _compare_in_full(source_fd, target_fd, size)
    os.ftruncate(target_fd, size)
    return Synced(written, checksums)


def _compare_in_full(source_fd: int, target_fd: int, size: int) -> int:
    """Rewrite each 256 KiB of the target that is not byte-equal to the source's (a longer target's tail is cut
    off by the caller); the bytes written."""
    written = 0
    for window_offset, length in _windows(size):
        with _mapped(source_fd, window_offset, length) as view:
            offsets = range(window_offset, window_offset + length, BLOCK_BYTES)
            for offset, block in zip(offsets, _blocks(view), strict=True):
                if os.pread(target_fd, len(block), offset) != block:
                    written += os.pwrite(target_fd, block, offset)
    return written


def _manifest_path(folder: Path, status: os.stat_result) -> Path:
    return folder / f"{MANIFEST_PREFIX}{status.st_ino}"


def _read_manifest(folder: Path, status: os.stat_result) -> list[bytes] | None:
    """The block checksums recorded for the file of `status`, or None when there are none or they may be stale:
    the file's size or modification time is not what it was when they were recorded."""
    try:
        data = _manifest_path(folder, status).read_bytes()
    except FileNotFoundError:
        return None
    header = struct.calcsize(_MANIFEST_HEADER)
    if len(data) < header:
        return None
    size, mtime_ns, block_bytes = struct.unpack_from(_MANIFEST_HEADER, data)
    body = data[header:]
    if (size, mtime_ns, block_bytes) != (status.st_size, status.st_mtime_ns, BLOCK_BYTES) or len(body) % 8:
        return None
    return [body[start : start + CHECKSUM_BYTES] for start in range(0, len(body), CHECKSUM_BYTES)]


def _write_manifest(folder: Path, status: os.stat_result, checksums: list[bytes] | None) -> None:
    """Record the checksums of the file of `status` (none for a file not laid out as DuckDB's)."""
    if checksums is None:
        return
    path = _manifest_path(folder, status)
    partial = path.with_name(f".writing{path.name}")
    partial.write_bytes(
        struct.pack(_MANIFEST_HEADER, status.st_size, status.st_mtime_ns, BLOCK_BYTES) + b"".join(checksums)
    )
    os.replace(partial, path)


def _refresh_standby(warehouse_path: Path, standby: Path) -> int | None:
    """Bring the standby up to the warehouse's bytes, returning how many it rewrote; None, untouched, when there is
    none (the first nights, or after a run killed while swapping) or a reader still holds it open."""
    try:
        descriptor = os.open(standby, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        try:  # the lock DuckDB's readers take: exclusive here means nobody has this file open
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return None
        folder = standby.parent
        known = _read_manifest(folder, os.fstat(descriptor))
        # Forgotten before the first write: a run killed mid-way leaves a standby that is compared in full next time.
        _manifest_path(folder, os.fstat(descriptor)).unlink(missing_ok=True)
        with warehouse_path.open("rb") as source:
            hold_against_writers(source.fileno(), warehouse_path)
            synced = sync_changed_blocks(source, descriptor, known)
        _write_manifest(folder, os.fstat(descriptor), synced.checksums)
        return synced.written
    finally:
        os.close(descriptor)  # releases the lock before the file is renamed to where readers look


def hold_against_writers(fd: int, warehouse_path: Path) -> None:
    """Take the lock DuckDB's readers take on the warehouse (released when `fd` closes): no writer can open it,
    and change or shrink it under the map, while the copy is taken."""
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as error:
        raise RuntimeError(
            f"{warehouse_path} was opened for writing by another process while it was being published ({error}). "
            "Close that process (notebooks and SQL shells belong on the published copy) and rerun the job."
        ) from error


def _full_copy(warehouse_path: Path, folder: Path) -> Path:
    """A new copy beside the read copy, with its manifest, so that the night it is first the standby is fast too.

    The checksums are read back from the copy (just written, so from the page cache), never from the warehouse,
    which is not locked here: a manifest must describe the bytes of its own file.
    """
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".publishing-", suffix=".duckdb")
    try:
        with os.fdopen(handle, "r+b") as target, warehouse_path.open("rb") as source:
            _copy(source, target)
            target.flush()
            os.chmod(temporary, warehouse_path.stat().st_mode & 0o777)  # readable by whoever may read the warehouse
            _write_manifest(folder, os.fstat(target.fileno()), block_checksums(target.fileno()))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


@dataclass(frozen=True)
class Published:
    """The read copy now in place, and how many of its bytes this publish wrote (all of them for a full copy)."""

    path: Path
    bytes_written: int


def publish(warehouse_path: Path, published_path: Path) -> Published:
    """Checkpoint the private warehouse, bring a copy of it up to date beside the read copy, rename it into place.

    A killed run never exposes a partial copy (the rename comes last; a half-updated standby is healed by the next
    run, which compares every block). The copy is not fsynced: it is derived data, the private warehouse is
    DuckDB's durable original, and the flush of a big warehouse cost seconds a night (docs/performance.md, "What
    the code's choices were measured at"). After a power loss a damaged
    read copy fails loudly (DuckDB checksums every block) and the next run publishes it again.
    """
    connection = connect(warehouse_path)
    try:
        with profiled("publish: checkpoint"):
            connection.execute("checkpoint")
    finally:
        connection.close()
    release_kept(warehouse_path)  # the locks below are this process's own: DuckDB's must not be among them
    folder = published_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".publishing-*"):  # full copies of killed runs, never seen by a reader
        leftover.unlink(missing_ok=True)
    standby = folder / f".standby-{published_path.name}"
    retiring = folder / f".retiring-{published_path.name}"
    with profiled("publish: standby brought up to date"):
        rewritten = _refresh_standby(warehouse_path, standby)
    if rewritten is None:
        with profiled("publish: full copy"):
            fresh = _full_copy(warehouse_path, folder)
    else:
        fresh = standby
    retiring.unlink(missing_ok=True)
    if published_path.exists():
        os.link(published_path, retiring)  # keeps tonight's replaced copy, to be tomorrow's standby
    os.replace(fresh, published_path)
    if retiring.exists():
        os.replace(retiring, standby)
    elif not standby.exists():  # the first publish (a history load's): its standby now, not the next night
        with profiled("publish: the first standby"):
            os.replace(_full_copy(published_path, folder), standby)
    _forget_manifests_of_gone_files(folder, (published_path, standby))
    return Published(published_path, published_path.stat().st_size if rewritten is None else rewritten)


def _forget_manifests_of_gone_files(folder: Path, copies: tuple[Path, ...]) -> None:
    kept = {_manifest_path(folder, path.stat()).name for path in copies if path.exists()}
    for prefix in (MANIFEST_PREFIX, *_OLDER_MANIFEST_PREFIXES):
        for manifest in folder.glob(f"{prefix}*"):
            if manifest.name not in kept:
                manifest.unlink(missing_ok=True)
    for partial in folder.glob(".writing.*"):
        partial.unlink(missing_ok=True)


def read_copy_version(published_path: Path) -> int | None:
    """The schema version the read copy holds (None if there is no read copy), read without a write lock."""
    if not published_path.exists():
        return None
    connection = connect(published_path, read_only=True)
    try:
        return recorded_version(connection)
    finally:
        connection.close()


def migrate_read_copy(published_path: Path) -> list[Migration]:
    """Bring a read copy written by an older release to this release's schema, as published copies are changed:
    a copy migrated beside it, then renamed into place, so a reader keeps its snapshot. The read copy keeps its own
    rows (the private warehouse may hold a run that was not published, e.g. one a blocking check stopped)."""
    version = read_copy_version(published_path)
    if version is None or version >= latest_version():
        return []
    folder = published_path.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".publishing-", suffix=".duckdb")
    try:
        with os.fdopen(handle, "r+b") as target, published_path.open("rb") as source:
            _copy(source, target)
            os.chmod(temporary, published_path.stat().st_mode & 0o777)
        connection = connect(Path(temporary))
        try:
            applied = ensure_schema(connection)
            connection.execute("checkpoint")
        finally:
            connection.close()
        os.replace(temporary, published_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _forget_manifests_of_gone_files(folder, (published_path, folder / f".standby-{published_path.name}"))
    return applied
