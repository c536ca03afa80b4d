"""The Dagster code location: what it defines (a rename or a lost asset shows in review) and how it schedules."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.definitions import defs
from orchestration.partitions import daily_partitions

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.txt"


def definitions_listing() -> str:
    repository = defs.get_repository_def()
    graph = repository.asset_graph
    lines = [f"asset {key.to_user_string()}" for key in sorted(graph.get_all_asset_keys())]
    lines += [
        f"check {key.asset_key.to_user_string()}:{key.name}"
        for key in sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name))
    ]
    lines += [f"job {name}" for name in sorted(repository.job_names) if not name.startswith("__")]
    lines += [f"schedule {schedule.name} {schedule.cron_schedule}" for schedule in repository.schedule_defs]
    lines += [f"sensor {sensor.name} → {sensor.job_name}" for sensor in repository.sensor_defs]
    return "\n".join(lines) + "\n"


def test_definitions_match_the_reviewed_snapshot():
    assert definitions_listing() == SNAPSHOT.read_text(encoding="utf-8"), (
        "definitions changed: review, then regenerate with .venv/bin/python -m tests.test_definitions"
    )


def test_partitions_start_with_xml_ownership_filings_in_new_york_time():
    assert daily_partitions.get_first_partition_key() == "2003-06-30"
    assert daily_partitions.timezone == "America/New_York"


def test_nightly_schedule_asks_for_the_last_three_days_as_one_run(tmp_path):
    from orchestration.resources import StorageResource

    schedule = defs.resolve_schedule_def("nightly_ingest")
    when = datetime(2025, 1, 13, 6, 0, tzinfo=ZoneInfo("America/New_York"))
    storage = StorageResource(data_dir=str(tmp_path))  # no Form 345 quarter loaded there to continue after
    with dg.build_schedule_context(scheduled_execution_time=when, resources={"storage": storage}) as context:
        [request] = schedule.evaluate_tick(context).run_requests
    assert request.tags["dagster/asset_partition_range_start"] == "2025-01-10"
    assert request.tags["dagster/asset_partition_range_end"] == "2025-01-12"


if __name__ == "__main__":  # after a reviewed change to the graph: rewrite the snapshot
    SNAPSHOT.write_text(definitions_listing(), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
