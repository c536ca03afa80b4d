"""The read copy analysts open: replaced atomically after each successful run, never written in place.

DuckDB allows one writing process or many readers, never both; readers open `published/warehouse.duckdb`, which
the pipeline only ever replaces by rename, so a reader that has it open keeps its snapshot and sees no error.
"""

import os
import shutil
import tempfile
from pathlib import Path

from orchestration.warehouse import connect


def publish(warehouse_path: Path, published_path: Path) -> Path:
    """Checkpoint the private warehouse, copy it beside the published file and rename it into place."""
    connection = connect(warehouse_path)
    try:
        connection.execute("checkpoint")
    finally:
        connection.close()
    published_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=published_path.parent, prefix=".publishing-", suffix=".duckdb")
    try:
        with os.fdopen(handle, "wb") as target, warehouse_path.open("rb") as source:
            shutil.copyfileobj(source, target, length=16 * 1024 * 1024)
            target.flush()
            os.fsync(target.fileno())
        os.replace(temporary, published_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return published_path
