"""Raw submission bytes kept by accession under data/, so a parser fix replays without the network."""

import gzip
import os
import tempfile
import threading
import zlib
from collections.abc import Callable
from pathlib import Path

from transforms.accession import Accession


class DamagedArchiveError(ValueError):
    """A stored copy that does not decompress (e.g. cut short by a power loss before `sync`)."""


class RawArchive:
    """`<root>/<yy>/<filer id>/<accession>.txt.gz`; paths come only from parsed accession numbers.

    Each file is written whole and renamed into place, so a killed process never leaves half a file. Files
    are made durable together by `sync` (one flush per batch instead of one `fsync` per filing); a copy a
    power loss damages anyway reads as DamagedArchiveError, and the pipeline sets it aside and fetches again.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._unsynced = False
        self._lock = threading.Lock()

    def path_for(self, accession: str | Accession) -> Path:
        parsed = accession if isinstance(accession, Accession) else Accession.parse(accession)
        return self.root / parsed.year / parsed.filer_id / f"{parsed}.txt.gz"

    def has(self, accession: str | Accession) -> bool:
        return self.path_for(accession).is_file()

    def read(self, accession: str | Accession) -> bytes:
        try:
            return gzip.decompress(self.path_for(accession).read_bytes())
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            raise DamagedArchiveError(f"the stored copy of {accession} does not decompress: {error}") from error

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
        """Write whole-or-nothing (temporary file, rename); durable after the next `sync`."""
        target = self.path_for(accession)
        write_whole(target, gzip.compress(raw, compresslevel=6, mtime=0), durable=False)
        with self._lock:
            self._unsynced = True
        return target

    def sync(self) -> None:
        """Flush every file written since the last call to disk (before the warehouse records them as fetched)."""
        with self._lock:
            if self._unsynced:
                os.sync()
                self._unsynced = False


def write_whole(target: Path, data: bytes, durable: bool = True) -> None:
    """Every download's way to disk: a temporary file beside `target`, then a rename, so a crash never leaves half a
    file under the final name; `durable`, the file and the rename are on disk before it returns (fsync of the file,
    then of its folder). The archive's submissions skip that and are made durable together (`RawArchive.sync`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if durable:
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


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
        write_whole(target, gzip.compress(raw, compresslevel=6, mtime=0))
        return raw

    return fetch_once
