"""Page speed under load (never run in timed tests). Prints JSON.

20 signed-in users (locust, run headless from here in a child process) go round the main
pages of a synthetic LA (``grip.demo.build_demo``: ``--children`` children, a year of audits),
served by uvicorn as in production, on SQLite and, with ``--pg-url``, on PostgreSQL:

* ``quiet``: the pages alone;
* ``heavy``: the same while an Annex A build and a workbook check run all along (each restarted
  as it finishes, by two other users).

Per page: p50, p95 and p99 in ms, and the ratio of its p95 to ``/healthz``'s p95 measured by
the same users in the same run (the yardstick: the machine is shared, so the ratio moves less
than the raw figure). The first view of each page (cold caches) is reported separately. Goal:
p95 under 150 ms for every page, under 300 ms while the heavy jobs run. The load average is
recorded before and after each phase. Figures and what changed to reach them:
docs/performance.md.

Usage: .venv/bin/python bench/bench_web.py [--children 5000] [--users 20] [--seconds 30]
       [--pg-url postgresql://postgres@127.0.0.1:5432/grip_bench] [--work DIR] [--out FILE]
(the PostgreSQL database is dropped and made again when it does not hold this LA and size).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

LA = "X99"
AS_OF = date(2026, 10, 31)
SEED = 2026
SECRET = "bench-secret-not-for-production"
GOAL_MS, GOAL_HEAVY_MS = 150, 300


# --- the database ----------------------------------------------------------------------------


def _children_in(url: str) -> int:
    """Children of the LA already in the database at ``url`` (0 if none or no tables)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            n = conn.execute(
                sa.text("SELECT count(*) FROM ssd_person WHERE la_code = :la"), {"la": LA}
            ).scalar()
            return int(n or 0)
    except sa.exc.SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def _fresh_pg(url: str) -> None:
    """Drop and create the PostgreSQL database named in ``url``."""
    import sqlalchemy as sa

    name = sa.engine.make_url(url).database
    admin = sa.create_engine(
        sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def prepare(url: str, children: int, work: Path) -> dict[str, Any]:
    """The demo LA at ``url`` (built unless already there at this size)."""
    from grip.demo import build_demo
    from grip.settings import Settings
    from grip.store.db import make_engine

    have = _children_in(url)
    if have and abs(have - children) <= children * 0.1:
        return {"built": False, "children": have}
    if url.startswith("postgresql"):
        _fresh_pg(url)
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    t0 = time.perf_counter()
    settings = Settings(data_dir=work, database_url=url, secret_key=SECRET)
    build_demo(settings, children=children, seed=SEED, as_of=AS_OF, la_code=LA)
    make_engine(url).dispose()
    return {"built": True, "children": _children_in(url), "build_s": time.perf_counter() - t0}


def sessions(url: str, readers: int) -> dict[str, Any]:
    """Signed-in sessions made directly in the store (the sign-in pages are not what is
    measured): ``readers`` QA leads and two performance analysts for the heavy jobs."""
    from sqlalchemy import select

    from grip.access import sessions as live
    from grip.access import users
    from grip.access.models import User
    from grip.settings import Settings
    from grip.store.db import make_engine, transaction

    engine = make_engine(url)
    settings = Settings(database_url=url, secret_key=SECRET, secure_cookies=False)
    out: dict[str, Any] = {"cookie": live.cookie_name(settings), "readers": [], "heavy": []}
    wanted = [("reader", "qa_lead", n) for n in range(readers)]
    wanted += [("heavy", "performance_analyst", n) for n in range(2)]
    with transaction(engine) as db:
        for kind, role, n in wanted:
            name = f"bench-{kind}-{n}"
            user = db.scalar(select(User).where(User.username == name))
            if user is None:
                users.create_user(db, name, f"Bench {kind} {n}", la_code=LA, role=role)
                user = db.scalar(select(User).where(User.username == name))
            assert user is not None
            user.must_change_password = False
            token = live.start_session(db, user.id)
            live.mark_authenticated(db, token, LA)
            state = live.load(db, token, settings)
            assert state is not None
            out["readers" if kind == "reader" else "heavy"].append((token, state.csrf_token))
    engine.dispose()
    return out


def pages(url: str) -> dict[str, str]:
    """The pages measured, by name (one audit and one measure picked from the data)."""
    from sqlalchemy import select

    from grip.audits.models import Audit
    from grip.measures.definitions import load_definitions
    from grip.store.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        audit = conn.execute(select(Audit.id).where(Audit.la_code == LA).limit(1)).scalar()
    engine.dispose()
    measure = next(m.id for m in load_definitions().measures if m.headline)
    return {
        "healthz (baseline)": "/healthz",
        "home": "/",
        "measures dashboard": "/measures",
        "measure drill-down": f"/measures/{measure}",
        "audits list": "/audits",
        "one audit": f"/audits/{audit}",
        "Annex A page": "/annex-a",
        "frameworks": "/frameworks",
    }


# --- the server and the heavy jobs -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, work: Path, warm: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    """Start uvicorn (one process, as ``grip serve``; with ``warm``, computing the measures
    in the background as it starts, as ``grip serve`` does) on ``url``'s database."""
    import httpx

    port = _free_port()
    env = dict(os.environ)
    env.update(
        GRIP_DATABASE_URL=url,
        GRIP_DATA_DIR=str(work / "server-data"),
        GRIP_SECRET_KEY=SECRET,
        GRIP_SECURE_COOKIES="false",
    )
    code = (
        "import uvicorn; from grip.settings import Settings; from grip.web import app as web;"
        f"a = web.create_app(Settings()); {'web.warm_measures(a);' if warm else ''}"
        f"uvicorn.run(a, host='127.0.0.1', port={port}, log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def first_views(base: str, cookie: str, token: str, wanted: dict[str, str]) -> dict[str, float]:
    """Each page's first view (cold caches: the measures are computed on it), in ms."""
    import httpx

    out = {}
    with httpx.Client(base_url=base, cookies={cookie: token}, timeout=300) as client:
        for name, path in wanted.items():
            t0 = time.perf_counter()
            r = client.get(path, headers={"accept": "text/html"})
            if r.status_code != 200:
                raise SystemExit(f"{path} answered {r.status_code}: {r.text[:300]}")
            out[name] = round((time.perf_counter() - t0) * 1000, 1)
    return out


class HeavyJobs:
    """Keeps an Annex A build and a workbook check running (each restarted as it ends)."""

    def __init__(self, base: str, cookie: str, heavy: list[tuple[str, str]]) -> None:
        self.base, self.cookie, self.heavy = base, cookie, heavy
        self.stop = threading.Event()
        self.done = {"build": 0, "check": 0}
        self.workbook = b""
        self.threads: list[threading.Thread] = []

    def _client(self, n: int) -> Any:
        import httpx

        token, csrf = self.heavy[n]
        return httpx.Client(
            base_url=self.base,
            cookies={self.cookie: token},
            headers={"x-csrf-token": csrf},
            timeout=300,
        )

    def _run(self, client: Any, kind: str) -> bytes:
        if kind == "build":
            r = client.post("/annex-a/build", data={"date": AS_OF.isoformat()})
        else:
            files = {"workbook": ("annex-a.xlsx", self.workbook, "application/octet-stream")}
            r = client.post("/annex-a/check", data={"spec": "ofsted-2024"}, files=files)
        if r.status_code != 303:
            raise SystemExit(f"starting the {kind} answered {r.status_code}: {r.text[:300]}")
        job = r.headers["location"]
        while True:
            state = client.get(job, headers={"accept": "application/json"}).json()
            if state["state"] in ("done", "failed"):
                break
            time.sleep(0.5)
        self.done[kind] += 1
        return bytes(client.get(f"{job}/download").content) if kind == "build" else b""

    def _loop(self, n: int, kind: str) -> None:
        with self._client(n) as client:
            while not self.stop.is_set():
                self._run(client, kind)

    def start(self) -> None:
        """Build once (the workbook to check), then keep both jobs going."""
        with self._client(0) as client:
            self.workbook = self._run(client, "build")
        self.threads = [
            threading.Thread(target=self._loop, args=(0, "build"), daemon=True),
            threading.Thread(target=self._loop, args=(1, "check"), daemon=True),
        ]
        for t in self.threads:
            t.start()

    def end(self) -> dict[str, Any]:
        """Stop restarting the jobs; how many of each ran during the phase."""
        self.stop.set()
        for t in self.threads:
            t.join(timeout=300)
        return {"builds_finished": self.done["build"], "checks_finished": self.done["check"],
                "workbook_mb": round(len(self.workbook) / 1e6, 2)}  # fmt: skip


# --- locust (in a child process: it patches the standard library with gevent) ----------------


#: Seconds over which the users arrive, before the measurement starts.
RAMP_SECONDS = 5


def _locust_phase(spec_file: str) -> None:
    """Run in the child: 20 users over the pages for the given seconds; print the stats."""
    from locust import HttpUser, between
    from locust.env import Environment

    spec = json.loads(Path(spec_file).read_text())
    tokens = iter(spec["tokens"] * 2)

    def visit(name: str, path: str) -> Any:
        def task(user: HttpUser) -> None:
            with user.client.get(
                path, name=name, allow_redirects=False, catch_response=True,
                headers={"accept": "text/html"},
            ) as r:  # fmt: skip
                if r.status_code != 200:
                    r.failure(f"status {r.status_code}")

        return task

    class Reader(HttpUser):
        wait_time = between(0.5, 1.5)
        host = spec["base"]
        tasks: ClassVar = [visit(n, p) for n, p in spec["pages"].items()]

        def on_start(self) -> None:
            self.client.cookies.set(spec["cookie"], next(tokens))

    env = Environment(user_classes=[Reader])
    runner = env.create_local_runner()
    # Users arrive over RAMP_SECONDS and the statistics start once all are in (locust's
    # --reset-stats): twenty people never open a page in the same millisecond, and a burst
    # that does not happen in use would otherwise be the p95 of a short run.
    runner.start(spec["users"], spawn_rate=spec["users"] / RAMP_SECONDS)
    time.sleep(RAMP_SECONDS + 1)
    env.stats.reset_all()
    time.sleep(spec["seconds"])
    runner.quit()
    out = {}
    for (name, _method), entry in env.stats.entries.items():
        out[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            **{f"p{q}_ms": entry.get_response_time_percentile(q / 100) for q in (50, 95, 99)},
        }
    print(json.dumps(out))


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of the server process so far."""
    import psutil

    t = psutil.Process(pid).cpu_times()
    return float(t.user + t.system)


def run_locust(base: str, cookie: str, tokens: list[str], wanted: dict[str, str],
               users: int, seconds: int, work: Path, server: int) -> dict[str, Any]:  # fmt: skip
    """The pages' percentiles under ``users`` users for ``seconds``, with ratios to /healthz."""
    spec = work / "locust-spec.json"
    spec.write_text(json.dumps({"base": base, "cookie": cookie, "tokens": tokens,
                                "pages": wanted, "users": users, "seconds": seconds}))  # fmt: skip
    load_before = os.getloadavg()
    cpu_before = _cpu_seconds(server)
    proc = subprocess.run(
        [sys.executable, __file__, "--phase", "locust", "--spec", str(spec)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    base_p95 = max(stats.get("healthz (baseline)", {}).get("p95_ms") or 1, 1)
    for s in stats.values():
        s["p95_ratio_to_healthz"] = round((s["p95_ms"] or 0) / base_p95, 1)
    requests = sum(int(v["requests"]) for v in stats.values())
    cpu = _cpu_seconds(server) - cpu_before
    return {
        # The server's own CPU time per request: what a page costs, whatever else the shared
        # machine is doing (the heavy jobs' threads count too in the heavy phase).
        "server_cpu_ms_per_request": round(cpu * 1000 / max(requests, 1), 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "pages": stats,
    }


def _goal(phase: dict[str, Any], limit: int) -> dict[str, Any]:
    over = {n: s["p95_ms"] for n, s in phase["pages"].items() if (s["p95_ms"] or 0) >= limit}
    return {"p95_goal_ms": limit, "met": not over, "over": over}


def bench_backend(url: str, a: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Prepare, serve and measure one database; the backend's JSON."""
    result: dict[str, Any] = {"prepare": prepare(url, a.children, work)}
    made = sessions(url, a.users)
    wanted = pages(url)
    readers = [t for t, _ in made["readers"]]
    work.mkdir(parents=True, exist_ok=True)  # a database prepared before has no folder yet
    proc, base = serve(url, work)
    try:
        result["first_view_ms"] = first_views(base, made["cookie"], readers[0], wanted)
        quiet = run_locust(
            base, made["cookie"], readers, wanted, a.users, a.seconds, work, proc.pid
        )
        result["quiet"] = {**quiet, **_goal(quiet, GOAL_MS)}
        heavy_jobs = HeavyJobs(base, made["cookie"], made["heavy"])
        heavy_jobs.start()
        heavy = run_locust(
            base, made["cookie"], readers, wanted, a.users, a.seconds, work, proc.pid
        )
        result["heavy"] = {**heavy, **_goal(heavy, GOAL_HEAVY_MS), "jobs": heavy_jobs.end()}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase", choices=["locust"])
    ap.add_argument("--spec")
    ap.add_argument("--children", type=int, default=5000, help="60000 for the full-size LA")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=30, help="per phase")
    ap.add_argument("--pg-url", default=os.environ.get("GRIP_BENCH_DATABASE_URL"))
    ap.add_argument("--work", type=Path)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    if a.phase == "locust":
        _locust_phase(a.spec)
        return
    work = a.work or Path(tempfile.gettempdir()) / "grip-bench-web"
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "children": a.children, "users": a.users, "seconds_per_phase": a.seconds,
        "cpus": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip
    backends = {"sqlite": f"sqlite:///{work / f'web-{a.children}.sqlite3'}"}
    if a.pg_url:
        backends["postgresql"] = a.pg_url
    else:
        result["postgresql"] = "skipped: pass --pg-url or set GRIP_BENCH_DATABASE_URL"
    for name, url in backends.items():
        print(f"# {name}", file=sys.stderr, flush=True)
        result[name] = bench_backend(url, a, work / name)
    text = json.dumps(result, indent=1, default=str)
    if a.out:
        a.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
