"""The notebook runs headless on the demo data and draws its pictures; the data dictionary is current."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from orchestration.data_dictionary import DICTIONARY_PATH, build_dictionary
from orchestration.sql_models import all_models
from tests.conftest import PROJECT_ROOT, materialize_days

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PICTURES = ("holdings_over_time.png", "monthly_net_buying.png", "cluster_buys.png", "five_percent_holders.png")


def test_notebook_draws_its_pictures_from_the_published_copy(tmp_path: Path, fixture_mirror):
    """The demo's Forms 3/4/5 and twelve real 13G filings (with the real malformed 13D/A) in one warehouse."""
    from mirror.server import serve_in_background
    from tests.test_schedule13_pipeline import build_mirror

    assert materialize_days(tmp_path, fixture_mirror.base_url, date(2025, 1, 2), date(2025, 1, 10)).success
    first, last, _ = build_mirror(tmp_path / "schedules")
    with serve_in_background([tmp_path / "schedules"]) as schedules:
        assert materialize_days(tmp_path, schedules.base_url, first, last).success
    output = tmp_path / "pictures"
    env = {**os.environ, "INSIDER_DATA_DIR": str(tmp_path), "NOTEBOOK_OUTPUT_DIR": str(output), "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "notebooks" / "insider_holdings.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "alerts published today" in done.stdout
    for name in PICTURES:
        picture = (output / name).read_bytes()
        assert picture.startswith(PNG_SIGNATURE) and len(picture) > 10_000, name  # a drawn chart, not a blank


def test_data_dictionary_is_current():
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == build_dictionary(), (
        "docs/data_dictionary.md is stale: run `.venv/bin/insider-warehouse dictionary` and commit it"
    )


def test_data_dictionary_covers_every_model_and_table():
    text = DICTIONARY_PATH.read_text(encoding="utf-8")
    for name in [*all_models(), "filings", "transactions", "positions", "holdings_current"]:
        assert f"\n## {name}\n" in text, name


def test_every_derived_column_names_the_sql_file_that_computes_it():
    """A model's, a view's or a refresh-written table's every column says which file computes it: finding where a
    holding's shares come from is one look, not a search."""
    from orchestration.data_dictionary import build_dictionary

    sections = build_dictionary().split("\n## ")[1:]
    derived = [
        section
        for section in sections
        if "written by `sql/" in section or section.split("\n\n")[1].startswith(("model", "view"))
    ]
    assert len(derived) >= 20
    for section in derived:
        table = section.splitlines()[0]
        rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| column")]
        unnamed = [row.split(" | ")[0].strip("| ") for row in rows if "sql/" not in row]
        assert unnamed == [], f"{table}: {unnamed}"
    positions = next(section for section in sections if section.startswith("positions\n"))
    shares = "| shares | DECIMAL(38,6) | `LAST_VALUE(shares IGNORE NULLS) OVER running` in "
    assert shares + "`sql/refresh/refresh_positions.sql` |" in positions
