"""Where everything lives in the data folder (INSIDER_DATA_DIR, default ./data): named once, here."""

from dataclasses import dataclass
from pathlib import Path

WAREHOUSE_FILE = "warehouse.duckdb"
PUBLISHED_FOLDER = "published"


@dataclass(frozen=True)
class DataFolder:
    root: Path

    @property
    def warehouse(self) -> Path:
        """The file the pipeline writes (one writer at a time)."""
        return self.root / WAREHOUSE_FILE

    @property
    def published(self) -> Path:
        """The read copy analysts and notebooks open, replaced atomically after each successful run."""
        return read_copy_of(self.warehouse)

    @property
    def raw(self) -> Path:
        """What was fetched, kept: submissions by accession, index files, the Form 345 zips."""
        return self.root / "raw"

    @property
    def dagster_home(self) -> Path:
        """The local Dagster instance (runs, schedules), shared by the command line and `make dev`."""
        return self.root / "dagster"


def read_copy_of(warehouse: Path) -> Path:
    """The published read copy of the warehouse file `warehouse`."""
    return warehouse.parent / PUBLISHED_FOLDER / warehouse.name


def is_read_copy(path: Path) -> bool:
    return path.parent.name == PUBLISHED_FOLDER
