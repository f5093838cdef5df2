"""Work for heavy-job tests. Jobs run in worker processes, so their work must be a module-level
function with arguments that pickle; these stand in for an Annex A build in the tests."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

from grip.jobs import JobFailed, Progress


def wait_for(release: str, report: Progress) -> str:
    """Say "Working", then wait (up to 10 s) until the file ``release`` exists."""
    report("Working")
    deadline = time.monotonic() + 10
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return "result"


def refuse(message: str, report: Progress) -> None:
    """Fail as a job expects to, with ``message`` for its owner."""
    raise JobFailed(message)


def crash(report: Progress) -> None:
    """Fail unexpectedly, with case data in the error."""
    raise RuntimeError("person id P123 in a stack trace")


def die(report: Progress) -> None:
    """The worker process ends without a word (as when it is killed)."""
    os._exit(3)


def worker_pid(report: Progress) -> int:
    """The process the work ran in."""
    return os.getpid()


def niceness(report: Progress) -> int:
    """The worker's CPU priority (``nice`` value)."""
    return os.nice(0)


def frozen_objects(report: Progress) -> int:
    """How many objects the collector leaves alone while the work runs."""
    return gc.get_freeze_count()
