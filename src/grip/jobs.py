"""Heavy jobs off the request: a small thread-based registry with limits per user and overall.

Building Annex A or checking an uploaded workbook takes seconds to minutes (the check's parser
runs in a child process for up to ``guard.CHILD_TIMEOUT_SECONDS``). A request that waited for
it would hold a worker and leave the user staring at a spinning tab, and many at once would
starve everyone else. So a heavy job is *submitted*: it runs in a worker thread, reports its
progress in plain words, and the page that started it shows the job's state until it is done.

Limits: at most ``per_user`` unfinished jobs per owner and ``overall`` in the whole process.
Over a limit :meth:`JobRegistry.submit` (and :meth:`JobRegistry.slot`, for the few heavy
requests that must answer in place) raise :class:`Busy` saying what to do. Finished jobs are
kept for ``keep_seconds`` so their owner can collect the result, then forgotten.

The registry is per process and in memory: a restart forgets running jobs (their pages then
say the job has expired, and the user starts it again).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
_log = logging.getLogger(__name__)

#: ``report(text)``: a job's way of saying what it is doing now ("Reading the workbook").
Progress = Callable[[str], None]


def user_owner(user_id: int) -> str:
    """The owner key for a user's jobs: the limit is the person's, whichever LA they work in."""
    return f"user:{user_id}"


class Busy(Exception):
    """Over a job limit. ``per_user`` says whose limit; the message says what to do."""

    def __init__(self, message: str, per_user: bool, retry_after: int = 30) -> None:
        super().__init__(message)
        self.per_user = per_user
        self.retry_after = retry_after


class JobFailed(Exception):
    """Raise inside a job for an expected failure: its message is shown to the owner as is.

    Any other exception fails the job with a generic message (the detail stays in the log).
    """


@dataclass
class Job:
    """One heavy job: who owns it, what it is, where it has got to and, when done, its result."""

    id: str
    kind: str
    owner: str
    label: str
    scope: str = ""
    url: str = ""
    state: str = QUEUED
    progress: str = "Waiting to start"
    created: float = field(default_factory=time.monotonic)
    finished: float | None = None
    result: Any = None
    error: str | None = None

    @property
    def active(self) -> bool:
        """Still queued or running."""
        return self.state in (QUEUED, RUNNING)

    def elapsed(self) -> int:
        """Whole seconds since it was submitted (until it finished)."""
        end = self.finished if self.finished is not None else time.monotonic()
        return int(end - self.created)


class JobRegistry:
    """Runs heavy jobs in worker threads within limits; thread-safe."""

    def __init__(self, overall: int, per_user: int, keep_seconds: int = 3600) -> None:
        if overall < 1 or per_user < 1:
            raise ValueError("job limits must be at least 1")
        self.overall = overall
        self.per_user = per_user
        self.keep_seconds = keep_seconds
        self._jobs: dict[str, Job] = {}
        self._slots: dict[str, int] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=overall, thread_name_prefix="grip-job")

    def _active(self, owner: str | None = None) -> int:
        """Unfinished jobs and held slots (of ``owner``, or of everyone); call under the lock."""
        jobs = [j for j in self._jobs.values() if j.active and (owner is None or j.owner == owner)]
        held = self._slots.get(owner, 0) if owner is not None else sum(self._slots.values())
        return len(jobs) + held

    def _admit(self, owner: str) -> None:
        """Raise :class:`Busy` when ``owner`` or the whole process is at its limit."""
        self._forget_old()
        if self._active(owner) >= self.per_user:
            mine = "a heavy job" if self.per_user == 1 else f"{self.per_user} heavy jobs"
            raise Busy(
                f"You already have {mine} running (Annex A builds and workbook checks are heavy "
                "jobs). Wait for it to finish (its page shows how far it has got), then try "
                "again.",
                per_user=True,
            )
        if self._active() >= self.overall:
            raise Busy(
                f"Grip is already running as many heavy jobs as it can at once ({self.overall}). "
                "Try again in a minute; nothing you entered has been kept.",
                per_user=False,
            )

    def submit(
        self,
        kind: str,
        owner: str,
        label: str,
        fn: Callable[[Progress], Any],
        scope: str = "",
        url: str = "",
    ) -> Job:
        """Start ``fn(report)`` in a worker thread as ``owner``'s job; return the job at once.

        ``fn``'s return value becomes ``job.result``; raise :class:`JobFailed` to fail with a
        message for the owner. ``scope`` is what else the job belongs to (the LA); ``url``, with
        ``{id}`` for the job's id, is the job's page. Raises :class:`Busy` over a limit.
        """
        with self._lock:
            self._admit(owner)
            jid = secrets.token_urlsafe(12)
            job = Job(jid, kind, owner, label, scope=scope, url=url.format(id=jid))
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, fn)
        return job

    def _run(self, job: Job, fn: Callable[[Progress], Any]) -> None:
        def report(text: str) -> None:
            job.progress = text

        job.state, job.progress = RUNNING, "Started"
        try:
            job.result = fn(report)
            job.state, job.progress = DONE, "Finished"
        except JobFailed as exc:
            job.error, job.state = str(exc), FAILED
        except Exception:
            _log.exception("job %s (%s) failed", job.id, job.kind)
            job.error, job.state = (
                "Something went wrong; try again or tell your administrator",
                FAILED,
            )
        finally:
            job.finished = time.monotonic()

    @contextmanager
    def slot(self, owner: str) -> Iterator[None]:
        """Hold one of ``owner``'s job places while a heavy request answers in place."""
        with self._lock:
            self._admit(owner)
            self._slots[owner] = self._slots.get(owner, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                self._slots[owner] -= 1
                if not self._slots[owner]:
                    del self._slots[owner]

    def get(self, job_id: str, owner: str) -> Job | None:
        """The job, if it exists, is not forgotten and belongs to ``owner``."""
        with self._lock:
            self._forget_old()
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def active_for(self, owner: str) -> list[Job]:
        """``owner``'s unfinished jobs, oldest first."""
        with self._lock:
            return sorted(
                (j for j in self._jobs.values() if j.owner == owner and j.active),
                key=lambda j: j.created,
            )

    def wait(self, job_id: str, timeout: float) -> Job | None:
        """Wait up to ``timeout`` seconds for a job to finish (tests and the CLI); the job."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            job = self._jobs.get(job_id)
            if job is None or not job.active:
                return job
            time.sleep(0.05)
        return self._jobs.get(job_id)

    def _forget_old(self) -> None:
        now = time.monotonic()
        for jid in [
            jid
            for jid, j in self._jobs.items()
            if j.finished is not None and now - j.finished > self.keep_seconds
        ]:
            del self._jobs[jid]

    def shutdown(self) -> None:
        """Stop taking jobs; let running ones finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)
