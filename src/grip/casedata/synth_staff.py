"""Teams, posts and staff of the synthetic authority, and allocation of workers to children.

A team has a number of *posts*; each post is held by a succession of professionals (each with a
start and, when they left, an end date), with vacancies between some holders. Allocating a
child picks a post at random and takes its holder on that day; the allocation ends when the
case segment ends, when the worker leaves, or at a transfer between workers. A vacant post
leaves the child unallocated until a new worker starts, which gives the "few unallocated"
children a real authority has. Posts are sized from the number of children so that caseloads
come out at about 15-20 children per social worker (see docs/synthetic-authority.md).
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

#: (kind, service id, service name, team name, job title of case-holding posts, involvement role,
#: posts per 1,000 children known, minimum posts). Posts per 1,000 are calibrated so that about
#: 15-20 open cases fall to each worker at ``as_of`` (IROs and CP chairs hold about 50-70).
TEAM_KINDS: tuple[tuple[str, str, str, str, str, str, float, int], ...] = (
    ("FD", "S1", "Front Door and Early Help", "Front Door and MASH", "SW", "SW", 0.5, 2),
    ("EH", "S1", "Front Door and Early Help", "Early Help", "EHW", "EHW", 1.1, 2),
    ("AS", "S2", "Assessment and Intervention", "Assessment", "SW", "SW", 1.1, 3),
    (
        "LOC",
        "S2",
        "Assessment and Intervention",
        "Children in Need and Protection",
        "SW",
        "SW",
        3.6,
        3,
    ),
    ("CIC", "S3", "Children in Care and Care Leavers", "Children in Care", "SW", "SW", 1.4, 2),
    ("LC", "S3", "Children in Care and Care Leavers", "Care Leavers", "PA", "PA", 0.8, 2),
    (
        "ADOPT",
        "S3",
        "Children in Care and Care Leavers",
        "Adoption and Permanence",
        "SW",
        "SW",
        0.2,
        2,
    ),
    (
        "IRO",
        "S4",
        "Safeguarding and Quality Assurance",
        "Independent Reviewing Officers",
        "IRO",
        "IRO",
        0.45,
        2,
    ),
    (
        "CPC",
        "S4",
        "Safeguarding and Quality Assurance",
        "Child Protection Chairs",
        "CPC",
        "CPC",
        0.25,
        1,
    ),
)

POSTS_PER_TEAM = 8
#: Mean days an allocation lasts before the case moves to another worker in the team.
MEAN_ALLOCATION_DAYS = 330.0


@dataclass(slots=True)
class Holder:
    """One professional's time in a post."""

    start: int  # ordinal
    end: int | None  # ordinal of the last day, None while in post at as_of
    prof_id: str


@dataclass(slots=True)
class Post:
    """A case-holding post and its holders in date order."""

    holders: list[Holder] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)

    def at(self, day: int) -> tuple[Holder | None, int | None]:
        """The holder on ``day``, or (None, start of the next holder) when the post is vacant."""
        i = bisect_right(self.starts, day) - 1
        if i >= 0:
            h = self.holders[i]
            if h.end is None or day <= h.end:
                return h, None
        nxt = i + 1
        return None, (self.starts[nxt] if nxt < len(self.starts) else None)


@dataclass(slots=True)
class Team:
    """A practice group: its id, kind and posts."""

    team_id: str
    kind: str
    role: str
    posts: list[Post]


Emit = Callable[[str, dict[str, Any]], None]


class Staff:
    """All teams and professionals of the authority, and worker allocation."""

    def __init__(
        self,
        rng: random.Random,
        children: int,
        history_start: date,
        as_of: date,
        name: Callable[[random.Random], tuple[str, str]],
        emit: Emit,
        next_id: Callable[[str], str],
    ) -> None:
        self.as_of = as_of
        self._as_of_ord = as_of.toordinal()
        self.teams: dict[str, list[Team]] = {}
        services_done: set[str] = set()
        staff_no = 0
        for kind, sid, sname, tname, title, role, per_1000, minimum in TEAM_KINDS:
            if sid not in services_done:
                services_done.add(sid)
                emit("ssd_department", {"dept_team_id": sid, "dept_team_name": sname})
                staff_no += 1
                self._emit_prof(rng, emit, next_id, name, "HOS", sid, history_start, staff_no)
            n_posts = max(minimum, math.ceil(children * per_1000 / 1000))
            n_teams = max(1, round(n_posts / POSTS_PER_TEAM))
            teams: list[Team] = []
            for ti in range(n_teams):
                team_id = f"{kind}{ti + 1}"
                label = f"{tname} {ti + 1}" if n_teams > 1 else tname
                emit(
                    "ssd_department",
                    {
                        "dept_team_id": team_id,
                        "dept_team_name": label,
                        "dept_team_parent_id": sid,
                        "dept_team_parent_name": sname,
                    },
                )
                staff_no += 1
                self._emit_prof(rng, emit, next_id, name, "TM", team_id, history_start, staff_no)
                share = n_posts // n_teams + (1 if ti < n_posts % n_teams else 0)
                posts: list[Post] = []
                for _ in range(max(1, share)):
                    post = Post()
                    start = history_start - timedelta(days=rng.randint(0, 5 * 365))
                    while start <= as_of:
                        tenure = max(60, int(rng.expovariate(1 / (3.2 * 365))))
                        end: date | None = start + timedelta(days=tenure)
                        assert end is not None
                        if end >= as_of:
                            end = None
                        t = title
                        if title == "SW":
                            t = rng.choices(("SW", "SSW", "ASW"), (60, 27, 13))[0]
                        staff_no += 1
                        pid = self._emit_prof(
                            rng, emit, next_id, name, t, team_id, start, staff_no, end
                        )
                        post.holders.append(
                            Holder(start.toordinal(), None if end is None else end.toordinal(), pid)
                        )
                        post.starts.append(start.toordinal())
                        if end is None:
                            break
                        # Half the leavers are replaced at once; otherwise the post is vacant
                        # for up to three months (cases wait unallocated or move).
                        gap = 1 if rng.random() < 0.5 else rng.randint(2, 90)
                        start = end + timedelta(days=gap)
                    posts.append(post)
                teams.append(Team(team_id, kind, role, posts))
            self.teams[kind] = teams

    @staticmethod
    def _emit_prof(
        rng: random.Random,
        emit: Emit,
        next_id: Callable[[str], str],
        name: Callable[[random.Random], tuple[str, str]],
        title: str,
        team_id: str,
        start: date,
        staff_no: int,
        end: date | None = None,
    ) -> str:
        pid = next_id("ssd_professionals")
        forename, surname = name(rng)
        social_worker = title in ("SW", "SSW", "ASW", "TM", "IRO", "CPC", "HOS")
        emit(
            "ssd_professionals",
            {
                "prof_professional_id": pid,
                "prof_staff_id": f"EMP{staff_no:05d}",
                "prof_professional_name": f"{forename} {surname}",
                # "SWX" never starts a real Social Work England number (those are SW + digits).
                "prof_social_worker_registration_no": (
                    f"SWX{rng.randint(100000, 999999)}" if social_worker else None
                ),
                "prof_agency_worker_flag": social_worker and rng.random() < 0.15,
                "prof_professional_job_title": title,
                "prof_professional_team_id": team_id,
                "prof_full_time_equivalency": rng.choices(("1", "0.8", "0.6"), (80, 12, 8))[0],
                "prof_start_date": start,
                "prof_end_date": end,
            },
        )
        return pid

    def team_for(self, kind: str, locality: int) -> Team:
        """The team of ``kind`` serving a family's locality."""
        teams = self.teams[kind]
        return teams[locality % len(teams)]

    def allocate(
        self, rng: random.Random, team: Team, start: date, end: date | None
    ) -> list[tuple[str, date, date | None]]:
        """Worker allocations covering ``start``..``end`` (None: open at as_of).

        Returns (professional id, start, end) triples in date order; gaps between them are
        periods when the child had no allocated worker. The last end is None when the
        allocation is still open at as_of.
        """
        out: list[tuple[str, date, date | None]] = []
        last = self._as_of_ord if end is None else end.toordinal()
        day = start.toordinal()
        posts = team.posts
        while day <= last:
            holder, nxt = posts[rng.randrange(len(posts))].at(day)
            if holder is None:
                if nxt is None or nxt > last:
                    break  # unallocated to the end of the segment
                day = nxt
                continue
            if holder.end is not None and holder.end <= day:
                day += 1  # leaving today: the case goes to someone else tomorrow
                continue
            stop = day + int(rng.expovariate(1 / MEAN_ALLOCATION_DAYS)) + 1
            if holder.end is not None:
                stop = min(stop, holder.end)
            if stop >= last:
                out.append((holder.prof_id, date.fromordinal(day), end))
                break
            out.append((holder.prof_id, date.fromordinal(day), date.fromordinal(stop)))
            day = stop
        return out
