"""The heavy-job registry: limits per user and overall, progress, failures, expiry."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from grip.jobs import DONE, FAILED, RUNNING, Busy, JobFailed, JobRegistry, Progress


@pytest.fixture
def registry() -> Iterator[JobRegistry]:
    reg = JobRegistry(overall=2, per_user=1, keep_seconds=60)
    yield reg
    reg.shutdown()


def _blocking(release: threading.Event) -> Callable[[Progress], str]:
    def fn(report: Progress) -> str:
        report("Working")
        release.wait(10)
        return "result"

    return fn


def test_a_job_reports_progress_then_its_result(registry: JobRegistry) -> None:
    release = threading.Event()
    job = registry.submit("k", "user:1", "A job", _blocking(release), url="/jobs/{id}")
    deadline = time.monotonic() + 5
    while job.state != RUNNING and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.state == RUNNING and job.progress == "Working"
    assert job.url == f"/jobs/{job.id}"
    release.set()
    done = registry.wait(job.id, 5)
    assert done is not None and done.state == DONE and done.result == "result"


def test_one_unfinished_job_per_user_then_busy(registry: JobRegistry) -> None:
    release = threading.Event()
    registry.submit("k", "user:1", "first", _blocking(release))
    with pytest.raises(Busy) as refused:
        registry.submit("k", "user:1", "second", _blocking(release))
    assert refused.value.per_user and "Wait for it to finish" in str(refused.value)
    # Another user still may.
    registry.submit("k", "user:2", "theirs", _blocking(release))
    release.set()


def test_the_overall_limit_counts_held_slots(registry: JobRegistry) -> None:
    release = threading.Event()
    registry.submit("k", "user:1", "one", _blocking(release))
    with registry.slot("user:2"):
        with pytest.raises(Busy) as refused:
            registry.submit("k", "user:3", "three", _blocking(release))
        assert not refused.value.per_user and "Try again" in str(refused.value)
        with pytest.raises(Busy), registry.slot("user:2"):
            pass
    release.set()
    registry.wait(registry.active_for("user:1")[0].id, 5)
    registry.submit("k", "user:3", "three", _blocking(release))


def test_an_expected_failure_shows_its_message_and_a_crash_does_not(
    registry: JobRegistry,
) -> None:
    def refused(report: Progress) -> None:
        raise JobFailed("big.xlsx: refused: too many rows")

    def crashes(report: Progress) -> None:
        raise RuntimeError("person id P123 in a stack trace")

    a = registry.wait(registry.submit("k", "user:1", "a", refused).id, 5)
    b = registry.wait(registry.submit("k", "user:2", "b", crashes).id, 5)
    assert a is not None and a.state == FAILED and a.error == "big.xlsx: refused: too many rows"
    assert b is not None and b.state == FAILED and b.error is not None
    assert "P123" not in b.error


def test_jobs_belong_to_their_owner_and_are_forgotten(registry: JobRegistry) -> None:
    job = registry.submit("k", "user:1", "mine", lambda report: 1)
    registry.wait(job.id, 5)
    assert registry.get(job.id, "user:2") is None
    assert registry.get(job.id, "user:1") is job
    registry.keep_seconds = 0
    time.sleep(0.01)
    assert registry.get(job.id, "user:1") is None


def test_limits_below_one_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        JobRegistry(overall=0, per_user=1)
