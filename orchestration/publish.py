"""The read copy analysts open: replaced atomically after each successful run, never written in place.

DuckDB allows one writing process or many readers, never both; readers open `published/warehouse.duckdb`, which
the pipeline only ever replaces by rename, so a reader that has it open keeps its snapshot and sees no error.
"""

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from orchestration.warehouse import connect


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


def publish(warehouse_path: Path, published_path: Path) -> Path:
    """Checkpoint the private warehouse, copy it beside the published file and rename it into place.

    A killed run never exposes a partial copy (the rename comes last). The copy is not fsynced: it is derived
    data, the private warehouse is DuckDB's durable original, and on a 3 GB warehouse the flush cost 3.6 s of a
    5 s publish every night. After a power loss a damaged read copy fails loudly (DuckDB checksums every block)
    and the next run publishes it again.
    """
    connection = connect(warehouse_path)
    try:
        connection.execute("checkpoint")
    finally:
        connection.close()
    published_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=published_path.parent, prefix=".publishing-", suffix=".duckdb")
    try:
        with os.fdopen(handle, "wb") as target, warehouse_path.open("rb") as source:
            _copy(source, target)
        os.replace(temporary, published_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return published_path
