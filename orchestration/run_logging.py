"""What a command-line run prints while it works: the pipeline's own warnings, one line each, and nothing else.

Dagster's console logger prints every ERROR event with its stack trace, and a failed step then repeats as a
"not executing" line for each asset after it: forty lines for one unreachable host. The CLI says why a run
failed itself, in one paragraph (orchestration/cli.py), and shows only the warnings the steps log on the way
(a day without an index, filings not fetched). `dg dev` and the schedule keep Dagster's own logger.
"""

import logging
import sys

import dagster as dg

RUN_WARNINGS_LOGGER = "run_warnings"


class _StepWarnings(logging.Filter):
    """Keep the warnings a step's code logged (DagsterLogManager marks them with no Dagster event)."""

    def filter(self, record: logging.LogRecord) -> bool:
        meta = getattr(record, "dagster_meta", None) or {}
        return record.levelno == logging.WARNING and meta.get("dagster_event") is None


class _StepMessage(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        meta = getattr(record, "dagster_meta", None) or {}
        step = meta.get("step_key") or "run"
        return f"warning: {step}: {meta.get('orig_message') or record.getMessage()}"


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record is emitted: the handler outlives one command (it is made
    once per process), and a stream taken at creation may be closed by then (a test's capture, a redirection)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


@dg.logger(description="The CLI's logger: the steps' warnings on stderr, one line each; failures are summarized.")
def run_warnings_logger(_: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("insider_warehouse.run")
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    if not logger.handlers:
        handler = _CurrentStderr()
        handler.addFilter(_StepWarnings())
        handler.setFormatter(_StepMessage())
        logger.addHandler(handler)
    return logger
