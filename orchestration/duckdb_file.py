"""DuckDB's database file, as far as the project reads it: where its blocks are, and whether it is whole.

The file opens with three 4 KiB headers: the file's own (the magic `DUCK` at byte 8), then two database headers a
checkpoint writes in turn, each with its iteration, the number of blocks the database uses and their size. Blocks of
256 KiB follow, each opening with the 8-byte checksum DuckDB computes over the rest of it. A file without every block
in use was cut (a full disk, a copy stopped midway, a truncation): DuckDB may still open it, and would write into it
before reading a missing block, so every open checks first.
"""

import os
import struct
from dataclasses import dataclass
from pathlib import Path

HEADER_BYTES = 3 * 4096
BLOCK_BYTES = 256 * 1024
CHECKSUM_BYTES = 8
MAGIC_OFFSET, MAGIC = 8, b"DUCK"
_DATABASE_HEADERS = (4096, 8192)
# After each database header's checksum: iteration, meta block, free list, block count, block size.
_DATABASE_HEADER = struct.Struct("<QQQQQ")


def is_duckdb_layout(fd: int, size: int) -> bool:
    """True for a file laid out as DuckDB's: the magic, and whole blocks after the headers."""
    return size >= HEADER_BYTES and not (size - HEADER_BYTES) % BLOCK_BYTES and os.pread(fd, 4, MAGIC_OFFSET) == MAGIC


@dataclass(frozen=True)
class BlocksOnDisk:
    """A file's whole blocks against the blocks its newer database header counts."""

    on_disk: int
    counted: int

    def describe(self, used: int) -> str:
        return (
            f"it holds {self.on_disk:,} blocks of {BLOCK_BYTES // 1024} KiB where its header counts {self.counted:,}, "
            f"{used:,} of them in use: it was cut short"
        )


def blocks_missing(path: Path) -> BlocksOnDisk | None:
    """The blocks on disk and counted, when `path` holds fewer than its header counts; None when it holds them all,
    or is not a DuckDB file of the layout known here (DuckDB's own open then judges it). Fewer is not yet damage:
    a run killed mid-checkpoint leaves the last blocks counted and never written, but those are free ones; the
    caller asks DuckDB how many are in use."""
    try:
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size < HEADER_BYTES or os.pread(file.fileno(), 4, MAGIC_OFFSET) != MAGIC:
                return None
            headers = [
                _DATABASE_HEADER.unpack(os.pread(file.fileno(), _DATABASE_HEADER.size, offset + CHECKSUM_BYTES))
                for offset in _DATABASE_HEADERS
            ]
    except OSError:
        return None
    iteration, _, _, block_count, block_size = max(headers)
    if iteration == 0 or block_size != BLOCK_BYTES:
        return None
    on_disk = max(0, size - HEADER_BYTES) // BLOCK_BYTES
    return BlocksOnDisk(on_disk, block_count) if on_disk < block_count else None
