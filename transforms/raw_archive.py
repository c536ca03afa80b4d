"""Raw submission bytes kept by accession under data/, so a parser fix replays without the network."""

import gzip
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from transforms.accession import Accession


class RawArchive:
    """`<root>/<yy>/<filer id>/<accession>.txt.gz`; paths come only from parsed accession numbers."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, accession: str | Accession) -> Path:
        parsed = accession if isinstance(accession, Accession) else Accession.parse(accession)
        return self.root / parsed.year / parsed.filer_id / f"{parsed}.txt.gz"

    def has(self, accession: str | Accession) -> bool:
        return self.path_for(accession).is_file()

    def read(self, accession: str | Accession) -> bytes:
        return gzip.decompress(self.path_for(accession).read_bytes())

    def set_aside(self, accession: str | Accession) -> Path | None:
        """Move a stored copy out of the archive (kept for inspection) so the next run fetches it again."""
        source = self.path_for(accession)
        if not source.is_file():
            return None
        target = self.root.parent / "set-aside" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        return target

    def write(self, accession: str | Accession, raw: bytes) -> Path:
        """Write atomically: a crash never leaves half a file."""
        target = self.path_for(accession)
        _write_atomically(target, gzip.compress(raw, compresslevel=6, mtime=0))
        return target


def _write_atomically(target: Path, data: bytes) -> None:
    """Temporary file, fsync, rename: a crash never leaves half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-", suffix=".gz")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cached_fetch(fetch: Callable[[str], bytes], root: Path) -> Callable[[str], bytes]:
    """Wrap `fetch(path)` so each path is fetched once and kept gzipped under `root` (for closed quarters)."""

    def fetch_once(path: str) -> bytes:
        relative = Path(path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"refusing to cache outside {root}: {path!r}")
        target = root / f"{relative}.gz"
        if target.is_file():
            return gzip.decompress(target.read_bytes())
        raw = fetch(path)
        _write_atomically(target, gzip.compress(raw, compresslevel=6, mtime=0))
        return raw

    return fetch_once
