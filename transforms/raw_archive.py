"""Raw submission bytes kept by accession under data/, so a parser fix replays without the network."""

import gzip
import os
import tempfile
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

    def write(self, accession: str | Accession, raw: bytes) -> Path:
        """Write atomically (temporary file, fsync, rename): a crash never leaves half a file."""
        target = self.path_for(accession)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-", suffix=".gz")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(gzip.compress(raw, compresslevel=6, mtime=0))
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target
