"""Heavy jobs off the request: a small registry with limits per user and overall, running each
job in a worker process.

Building Annex A or checking an uploaded workbook takes seconds to minutes of CPU. A request that
waited for it would hold a worker and leave the user staring at a spinning tab; and Python runs
one thread at a time in a process, so even a job in a background thread of the web process slows
every page for everyone (measured: p95 over 300 ms for every page while a build ran, see
docs/performance.md). So a heavy job is *submitted*: it runs in a separate worker process (a
small pool, started when the first job comes, one worker per job allowed at once), reports its
progress in plain words, and the page that started it shows the job's state until it is done.

The work is a module-level function and its arguments (both sent to the worker, so they must
pickle): it opens its own database connections from a URL, never the web process's. Whatever
must happen in the web process afterwards (an audit event, storing the report) is ``then``,
run on the result in the registry's waiting thread.

Limits: at most ``per_user`` unfinished jobs per owner and ``overall`` in the whole process.
Over a limit :meth:`JobRegistry.submit` (and :meth:`JobRegistry.slot`, for the few heavy
requests that must answer in place) raise :class:`Busy` saying what to do. Finished jobs are
kept for ``keep_seconds`` so their owner can collect the result, then forgotten.

The registry is per web process and in memory: a restart forgets running jobs (their pages then
say the job has expired, and the user starts it again).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
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


class ProgressFile:
    """A job's ``report`` in its worker process: each report replaces the text in a small file
    the web process reads (a plain file needs no extra process, unlike a managed queue)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, text: str) -> None:
        partial = self.path.with_suffix(".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(self.path)  # atomic: the reader never sees half a message

    def read(self) -> str | None:
        """The last report, if any."""
        try:
            return self.path.read_text(encoding="utf-8") or None
        except OSError:
            return None


#: How much lower than the web process's the job workers' CPU priority is (``nice``): on a
#: busy machine the pages people are waiting for go first, the jobs get the rest.
WORKER_NICENESS = 10


def _lower_priority() -> None:
    """Run in each worker process as it starts."""
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave what a worker process holds as a job starts out of the job's garbage collections.

    A job makes hundreds of thousands of objects, so the collector's full passes come round
    during it, and each walks every object in the process: mostly the modules and code the job
    imported, which live as long as the process. Frozen for the job's length (``gc.freeze``),
    those passes walk only what the job made (in an Annex A build and write of 10,000 children
    they took under 30 ms instead of about 100 ms; docs/performance.md). Everything is handed
    back to the collector when the job ends, so nothing stays frozen between jobs. For a job's
    worker process only: the setting is the whole process's, and the web process freezes once,
    as it starts (:func:`grip.web.app.settle_long_lived_objects`).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _in_worker(work: Callable[..., Any], args: tuple[Any, ...], report: ProgressFile) -> Any:
    """Run in the worker process: the job's work, with its report. Only :class:`JobFailed`
    crosses back with its message; any other error is logged here and replaced, since its
    message may hold case data and its type may not pickle."""
    report("Started")
    try:
        with frozen_heap():
            return work(*args, report)
    except JobFailed:
        raise
    except Exception:
        _log.exception(
            "job work %s failed in worker %s", getattr(work, "__name__", work), os.getpid()
        )
        raise RuntimeError("job failed in its worker; see the log") from None


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
    said: str = "Waiting to start"
    created: float = field(default_factory=time.monotonic)
    finished: float | None = None
    result: Any = None
    error: str | None = None
    reports: ProgressFile | None = None

    @property
    def progress(self) -> str:
        """Where the job has got to, in words: the worker's last report while it runs."""
        if self.state == RUNNING and self.reports is not None:
            return self.reports.read() or self.said
        return self.said

    @property
    def active(self) -> bool:
        """Still queued or running."""
        return self.state in (QUEUED, RUNNING)

    def elapsed(self) -> int:
        """Whole seconds since it was submitted (until it finished)."""
        end = self.finished if self.finished is not None else time.monotonic()
        return int(end - self.created)


class JobRegistry:
    """Runs heavy jobs in worker processes within limits; thread-safe."""

    def __init__(self, overall: int, per_user: int, keep_seconds: int = 3600) -> None:
        if overall < 1 or per_user < 1:
            raise ValueError("job limits must be at least 1")
        self.overall = overall
        self.per_user = per_user
        self.keep_seconds = keep_seconds
        self._jobs: dict[str, Job] = {}
        self._slots: dict[str, int] = {}
        self._lock = threading.Lock()
        # Threads only wait for the workers (and run ``then``): they hold no CPU meanwhile.
        self._waiters = ThreadPoolExecutor(max_workers=overall, thread_name_prefix="grip-job")
        self._workers: ProcessPoolExecutor | None = None
        self._reports = Path(tempfile.mkdtemp(prefix="grip-jobs-"))

    def _pool(self) -> ProcessPoolExecutor:
        """The worker processes, started on the first job ('spawn': a clean interpreter, which
        inherits no open connections, locks or threads from the web process), at a lower CPU
        priority than the pages."""
        with self._lock:
            if self._workers is None:
                self._workers = ProcessPoolExecutor(
                    max_workers=self.overall,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_lower_priority,
                )
            return self._workers

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
        work: Callable[..., Any],
        *args: Any,
        scope: str = "",
        url: str = "",
        then: Callable[[Any], Any] | None = None,
    ) -> Job:
        """Start ``work(*args, report)`` in a worker process as ``owner``'s job; return the job
        at once.

        ``work`` is a module-level function and ``args`` plain data (they are pickled). Its
        return value, passed through ``then`` in this process when given, becomes
        ``job.result``; raise :class:`JobFailed` to fail with a message for the owner.
        ``scope`` is what else the job belongs to (the LA); ``url``, with ``{id}`` for the
        job's id, is the job's page. Raises :class:`Busy` over a limit.
        """
        with self._lock:
            self._admit(owner)
            jid = secrets.token_urlsafe(12)
            job = Job(jid, kind, owner, label, scope=scope, url=url.format(id=jid))
            job.reports = ProgressFile(self._reports / f"{jid}.txt")
            self._jobs[job.id] = job
        self._waiters.submit(self._run, job, work, args, then)
        return job

    def _run(
        self,
        job: Job,
        work: Callable[..., Any],
        args: tuple[Any, ...],
        then: Callable[[Any], Any] | None,
    ) -> None:
        job.state, job.said = RUNNING, "Started"
        try:
            assert job.reports is not None
            result = self._pool().submit(_in_worker, work, args, job.reports).result()
            job.result = then(result) if then is not None else result
            job.state, job.said = DONE, "Finished"
        except JobFailed as exc:
            job.error, job.state = str(exc), FAILED
        except Exception as exc:
            if isinstance(exc, BrokenProcessPool):  # a worker died (killed, out of memory)
                self._replace_pool()
            _log.exception("job %s (%s) failed", job.id, job.kind)
            job.error, job.state = (
                "Something went wrong; try again or tell your administrator",
                FAILED,
            )
        finally:
            job.finished = time.monotonic()
            if job.reports is not None:
                job.reports.path.unlink(missing_ok=True)

    def _replace_pool(self) -> None:
        with self._lock:
            broken, self._workers = self._workers, None
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)

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
        """Stop taking jobs; running ones finish in their workers, which then exit."""
        self._waiters.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            workers, self._workers = self._workers, None
        if workers is not None:
            workers.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self._reports, ignore_errors=True)
