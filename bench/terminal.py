"""Commands run as a user runs them at a terminal: stderr a pseudo-terminal, so progress draws as bars (in a pipe or
a log file it is plain lines, orchestration/progress.py) and a caller can wait for a bar to reach a point."""

import fcntl
import os
import pty
import struct
import subprocess
import termios
from typing import Any

# The terminal's size (rows, columns): a new pseudo-terminal has none, and a bar fitted to 0 columns draws nothing.
TERMINAL_SIZE = (24, 120)


def start_in_terminal(command: list[str], env: dict[str, str], **options: Any) -> tuple[subprocess.Popen, int]:
    """The started process and the terminal's end to read its stderr from (close it when done)."""
    terminal, its_side = pty.openpty()
    fcntl.ioctl(its_side, termios.TIOCSWINSZ, struct.pack("HHHH", *TERMINAL_SIZE, 0, 0))
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=its_side, **options)
    os.close(its_side)
    return process, terminal


def read_terminal(terminal: int) -> bytes:
    """What the process wrote since the last read; b"" once it has closed its side (Linux says EIO then)."""
    try:
        return os.read(terminal, 65536)
    except OSError:
        return b""


def read_until(process: subprocess.Popen, terminal: int, marker: bytes) -> bytes:
    """Everything the process wrote up to and including `marker`; AssertionError if it ends first."""
    seen = b""
    while marker not in seen:
        chunk = read_terminal(terminal)
        if not chunk:
            raise AssertionError(f"the run ended (exit {process.wait()}) before {marker!r}: {seen.decode()[-2000:]}")
        seen += chunk
    return seen


def read_to_end(terminal: int) -> bytes:
    """The rest of what the process writes, until it closes its side."""
    rest = b""
    while chunk := read_terminal(terminal):
        rest += chunk
    return rest
