"""The heavy-job registry: work in worker processes, limits per user and overall, progress,
failures, expiry."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import jobwork
from grip.jobs import DONE, FAILED, RUNNING, WORKER_NICENESS, Busy, JobRegistry, frozen_heap


@pytest.fixture
def registry() -> Iterator[JobRegistry]:
    reg = JobRegistry(overall=2, per_user=1, keep_seconds=60)
    yield reg
    reg.shutdown()


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """Touch this file to let waiting jobs finish."""
    return tmp_path / "release"


def test_a_job_runs_in_a_worker_process_so_pages_keep_their_cpu(registry: JobRegistry) -> None:
    job = registry.wait(registry.submit("k", "user:1", "A job", jobwork.worker_pid).id, 30)
    assert job is not None and job.state == DONE
    assert isinstance(job.result, int) and job.result != os.getpid()


def test_a_job_worker_gives_way_to_the_pages(registry: JobRegistry) -> None:
    job = registry.wait(registry.submit("k", "user:1", "A job", jobwork.niceness).id, 30)
    assert job is not None and job.result == os.nice(0) + WORKER_NICENESS


def test_a_job_runs_with_its_workers_heap_frozen(registry: JobRegistry) -> None:
    job = registry.wait(registry.submit("k", "user:1", "A job", jobwork.frozen_objects).id, 30)
    assert job is not None and job.state == DONE
    assert job.result > 1000  # the interpreter and the modules the job imported


def test_the_frozen_heap_is_handed_back_when_the_job_ends() -> None:
    gc.unfreeze()
    with frozen_heap():
        assert gc.get_freeze_count() > 1000
    assert gc.get_freeze_count() == 0
    with pytest.raises(ValueError), frozen_heap():
        raise ValueError("a failed job")
    assert gc.get_freeze_count() == 0


def test_a_job_reports_progress_then_its_result(registry: JobRegistry, release: Path) -> None:
    job = registry.submit("k", "user:1", "A job", jobwork.wait_for, str(release), url="/jobs/{id}")
    deadline = time.monotonic() + 30
    while job.progress != "Working" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.state == RUNNING and job.progress == "Working"
    assert job.url == f"/jobs/{job.id}"
    release.touch()
    done = registry.wait(job.id, 5)
    assert done is not None and done.state == DONE and done.result == "result"


def test_then_runs_on_the_result_in_the_web_process(registry: JobRegistry) -> None:
    job = registry.submit(
        "k", "user:1", "A job", jobwork.worker_pid, then=lambda pid: (pid, os.getpid())
    )
    done = registry.wait(job.id, 30)
    assert done is not None and done.result[1] == os.getpid() != done.result[0]


def test_one_unfinished_job_per_user_then_busy(registry: JobRegistry, release: Path) -> None:
    registry.submit("k", "user:1", "first", jobwork.wait_for, str(release))
    with pytest.raises(Busy) as refused:
        registry.submit("k", "user:1", "second", jobwork.wait_for, str(release))
    assert refused.value.per_user and "Wait for it to finish" in str(refused.value)
    # Another user still may.
    registry.submit("k", "user:2", "theirs", jobwork.wait_for, str(release))
    release.touch()


def test_the_overall_limit_counts_held_slots(registry: JobRegistry, release: Path) -> None:
    registry.submit("k", "user:1", "one", jobwork.wait_for, str(release))
    with registry.slot("user:2"):
        with pytest.raises(Busy) as refused:
            registry.submit("k", "user:3", "three", jobwork.wait_for, str(release))
        assert not refused.value.per_user and "Try again" in str(refused.value)
        with pytest.raises(Busy), registry.slot("user:2"):
            pass
    release.touch()
    registry.wait(registry.active_for("user:1")[0].id, 30)
    registry.submit("k", "user:3", "three", jobwork.wait_for, str(release))


def test_an_expected_failure_shows_its_message_and_a_crash_does_not(
    registry: JobRegistry,
) -> None:
    message = "big.xlsx: refused: too many rows"
    a = registry.wait(registry.submit("k", "user:1", "a", jobwork.refuse, message).id, 30)
    b = registry.wait(registry.submit("k", "user:2", "b", jobwork.crash).id, 30)
    assert a is not None and a.state == FAILED and a.error == message
    assert b is not None and b.state == FAILED and b.error is not None
    assert "P123" not in b.error


def test_a_worker_that_dies_fails_its_job_and_the_next_job_still_runs(
    registry: JobRegistry,
) -> None:
    dead = registry.wait(registry.submit("k", "user:1", "dies", jobwork.die).id, 30)
    assert dead is not None and dead.state == FAILED and dead.error is not None
    after = registry.wait(registry.submit("k", "user:1", "next", jobwork.worker_pid).id, 30)
    assert after is not None and after.state == DONE


def test_jobs_belong_to_their_owner_and_are_forgotten(registry: JobRegistry) -> None:
    job = registry.submit("k", "user:1", "mine", jobwork.worker_pid)
    registry.wait(job.id, 30)
    assert registry.get(job.id, "user:2") is None
    assert registry.get(job.id, "user:1") is job
    registry.keep_seconds = 0
    time.sleep(0.01)
    assert registry.get(job.id, "user:1") is None


def test_limits_below_one_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        JobRegistry(overall=0, per_user=1)
