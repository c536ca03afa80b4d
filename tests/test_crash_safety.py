"""SIGKILL at random moments never leaves part of a batch, and the next run completes to the undisturbed result."""

from pathlib import Path

from bench.crash_loop import crash_loop


def test_killed_runs_leave_whole_batches_and_the_next_run_completes(tmp_path: Path):
    outcome = crash_loop(runs=4, work=tmp_path, seed=7)
    assert outcome["final_equals_undisturbed"], outcome
