"""Where a night's time and reads went, from its run profile (orchestration/run_profile.py): per step, then the
SQL files (and publishing's parts) that cost the most, as the markdown tables docs/performance.md keeps.

    python -m bench.night_profile PROFILE.jsonl [--top 15]
    python -m bench.night_profile PROFILE.jsonl --against BASELINE.jsonl [--top 15]

With `--against` (the same night on an empty warehouse), the files whose time differs most between the two,
which is where a big warehouse's extra cost goes.
"""

import argparse
import json
from collections import defaultdict
from pathlib import Path

from orchestration.run_profile import STEP_TOTAL

OUTSIDE_STEPS = "(before the run)"


def fresh_profile(data_dir: Path, name: str) -> Path:
    """Where a run on the warehouse of `data_dir` profiles itself: a file beside that folder, emptied first (a run
    appends to its profile)."""
    profile = data_dir.with_name(f"{data_dir.name}-{name}.jsonl")
    profile.unlink(missing_ok=True)
    return profile


def read_profile(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _mb(count: float) -> str:
    return f"{count / 1e6:,.1f}"


def step_table(entries: list[dict]) -> str:
    """Per step: its whole time (Dagster's), the time and storage reads of the SQL it ran, slowest first."""
    whole: dict[str, float] = {}
    sql_seconds: dict[str, float] = defaultdict(float)
    sql_bytes: dict[str, int] = defaultdict(int)
    for entry in entries:
        step = entry["step"] or OUTSIDE_STEPS
        if entry["label"] == STEP_TOTAL:
            whole[step] = entry["seconds"]
        else:
            sql_seconds[step] += entry["seconds"]
            sql_bytes[step] += entry["bytes_read"]
    steps = sorted(set(whole) | set(sql_seconds), key=lambda step: -max(whole.get(step, 0), sql_seconds[step]))
    lines = ["| step | whole step, s | in its SQL, s | read from storage, MB |", "|---|---|---|---|"]
    for step in steps:
        whole_time = f"{whole[step]:.2f}" if step in whole else ""
        lines.append(f"| {step} | {whole_time} | {sql_seconds[step]:.2f} | {_mb(sql_bytes[step])} |")
    total = sum(whole.values())
    lines.append(f"| all steps | {total:.2f} | {sum(sql_seconds.values()):.2f} | {_mb(sum(sql_bytes.values()))} |")
    return "\n".join(lines)


def label_table(entries: list[dict], top: int) -> str:
    """The `top` SQL files (or publishing's parts) by time, with the step that ran them and what they read."""
    seconds: dict[tuple[str, str], float] = defaultdict(float)
    read: dict[tuple[str, str], int] = defaultdict(int)
    runs: dict[tuple[str, str], int] = defaultdict(int)
    for entry in entries:
        if entry["label"] == STEP_TOTAL:
            continue
        key = (entry["step"] or OUTSIDE_STEPS, entry["label"])
        seconds[key] += entry["seconds"]
        read[key] += entry["bytes_read"]
        runs[key] += 1
    lines = ["| step | SQL file | runs | s | read from storage, MB |", "|---|---|---|---|---|"]
    for key in sorted(seconds, key=lambda key: -seconds[key])[:top]:
        lines.append(f"| {key[0]} | {key[1]} | {runs[key]} | {seconds[key]:.2f} | {_mb(read[key])} |")
    return "\n".join(lines)


def _per_label(entries: list[dict]) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], int]]:
    seconds: dict[tuple[str, str], float] = defaultdict(float)
    read: dict[tuple[str, str], int] = defaultdict(int)
    for entry in entries:
        if entry["label"] == STEP_TOTAL:
            key = (entry["step"] or OUTSIDE_STEPS, "(the whole step, outside its SQL)")
            seconds[key] += entry["seconds"]
            continue
        key = (entry["step"] or OUTSIDE_STEPS, entry["label"])
        seconds[key] += entry["seconds"]
        read[key] += entry["bytes_read"]
    for (step, label), spent in list(seconds.items()):
        if label == "(the whole step, outside its SQL)":
            seconds[(step, label)] = spent - sum(s for (st, lb), s in seconds.items() if st == step and lb != label)
    return seconds, read


def difference_table(entries: list[dict], baseline: list[dict], top: int) -> str:
    """The `top` SQL files (and each step's time outside its SQL) whose seconds grew most from `baseline`."""
    seconds, read = _per_label(entries)
    base_seconds, base_read = _per_label(baseline)
    keys = set(seconds) | set(base_seconds)
    grown = {key: seconds.get(key, 0.0) - base_seconds.get(key, 0.0) for key in keys}
    lines = [
        "| step | SQL file | s | baseline, s | more, s | read, MB | baseline read, MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in sorted(keys, key=lambda key: -grown[key])[:top]:
        lines.append(
            f"| {key[0]} | {key[1]} | {seconds.get(key, 0):.2f} | {base_seconds.get(key, 0):.2f} | {grown[key]:+.2f} "
            f"| {_mb(read.get(key, 0))} | {_mb(base_read.get(key, 0))} |"
        )
    total, base_total = sum(seconds.values()), sum(base_seconds.values())
    lines.append(f"| all | | {total:.2f} | {base_total:.2f} | {total - base_total:+.2f} | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--against", type=Path, help="the same night's profile on an empty warehouse")
    arguments = parser.parse_args()
    entries = read_profile(arguments.profile)
    if arguments.against:
        print(difference_table(entries, read_profile(arguments.against), arguments.top))
        return
    print(step_table(entries))
    print()
    print(label_table(entries, arguments.top))


if __name__ == "__main__":
    main()
