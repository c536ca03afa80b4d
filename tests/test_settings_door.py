"""The settings are read once, at a door, and handed on: no other code reads the environment, and what the door
read reaches the resources and the process unchanged."""

import ast
from pathlib import Path

import pytest

from orchestration.resources import process_settings, resources_for
from orchestration.run_profile import profile_file
from orchestration.settings import SettingError, read_settings
from orchestration.warehouse_connection import memory_limit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The readers of the environment allowed besides orchestration/settings.py: the HTTP library's own proxy and
# CA-bundle variables (transforms/edgar_client.py), and the CLI setting a Dagster switch for the runs it starts.
ALLOWED_READERS = {"transforms/edgar_client.py", "orchestration/cli.py"}
DOORS = {"orchestration/cli.py", "orchestration/definitions.py"}


def pipeline_modules() -> list[Path]:
    return sorted(
        path for folder in ("orchestration", "transforms", "mirror") for path in (PROJECT_ROOT / folder).rglob("*.py")
    )


def names_used(path: Path) -> set[str]:
    """Every attribute and name a module's code uses (`os.environ` is "environ", `read_settings(` "read_settings")."""
    used = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.Name):
            used.add(node.id)
    return used


def test_only_the_settings_module_reads_the_environment():
    readers = {
        str(path.relative_to(PROJECT_ROOT)) for path in pipeline_modules() if {"environ", "getenv"} & names_used(path)
    }
    assert readers - ALLOWED_READERS == {"orchestration/settings.py"}


def test_the_settings_are_read_only_at_the_doors():
    callers = {
        str(path.relative_to(PROJECT_ROOT))
        for path in pipeline_modules()
        if path.name != "settings.py" and "read_settings" in names_used(path)
    }
    assert callers == DOORS


def test_what_the_door_read_reaches_the_resources_and_the_process(tmp_path: Path):
    overrides = tmp_path / "vehicles.csv"
    overrides.write_text((PROJECT_ROOT / "overrides" / "vehicles.csv").read_text(encoding="utf-8"), encoding="utf-8")
    environment = {
        "INSIDER_DATA_DIR": str(tmp_path / "data"),
        "EDGAR_BASE_URL": "http://127.0.0.1:8765/",
        "EDGAR_USER_AGENT": "Door Test door@example.com",
        "EDGAR_REQUESTS_PER_SECOND": "40",
        "EDGAR_FETCH_PROCESSES": "3",
        "INSIDER_PARSE_WORKERS": "5",
        "INSIDER_DUCKDB_MEMORY_LIMIT": "700MB",
        "INSIDER_LOCK_WAIT_SECONDS": "7",
        "INSIDER_VEHICLE_OVERRIDES": str(overrides),
        "INSIDER_ALERT_WEBHOOK": "https://hooks.example.invalid/services/T/B/x",
        "INSIDER_ALERT_ATTEMPTS": "4",
        "INSIDER_FEED_INTERVAL_SECONDS": "90",
        "INSIDER_PROFILE": str(tmp_path / "profile.jsonl"),
    }
    settings = read_settings(environment)
    resources = resources_for(settings)
    storage, edgar = resources["storage"], resources["edgar"]
    assert storage.root == tmp_path / "data"
    assert (storage.memory_limit, storage.lock_wait_seconds) == ("700MB", 7.0)
    assert storage.vehicle_overrides_path == overrides
    assert edgar.resolved_base_url() == "http://127.0.0.1:8765"
    assert (edgar.resolved_rate(), edgar.resolved_fetch_processes(), edgar.feed_interval_seconds) == (40.0, 3, 90.0)
    assert resources["parsing"].resolved_workers() == 5
    assert resources["alerts"].webhook() == settings.alert_webhook and settings.alert_webhook.attempts == 4
    with process_settings(settings):
        assert memory_limit() == "700MB"
        assert profile_file() == tmp_path / "profile.jsonl"
    assert memory_limit() != "700MB" and profile_file() is None  # handed for the block only


def test_a_setting_the_user_can_fix_is_refused_at_the_door_naming_it():
    with pytest.raises(SettingError, match="INSIDER_FEED_INTERVAL_SECONDS='soon'"):
        read_settings({"INSIDER_FEED_INTERVAL_SECONDS": "soon"})
    with pytest.raises(SettingError, match="INSIDER_LOCK_WAIT_SECONDS='-1'"):
        read_settings({"INSIDER_LOCK_WAIT_SECONDS": "-1"})
