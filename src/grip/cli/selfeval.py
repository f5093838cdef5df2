"""``grip selfeval``: draft, refresh and export the annual self-evaluation, and readiness at a
glance (ILACS framework (Ofsted 170040) paras 33–38)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
import sqlalchemy as sa
from sqlalchemy.orm import Session

from grip.access.models import Membership, User
from grip.access.scope import Scope, scoped
from grip.audits.lifecycle import As
from grip.cli.common import engine_from_env
from grip.documents.render import render
from grip.selfeval import service
from grip.selfeval.document import to_document
from grip.selfeval.evidence import EvidenceError
from grip.selfeval.readiness import readiness as readiness_of
from grip.store.base import LocalAuthority

DATE = click.DateTime(["%Y-%m-%d"])


@click.group("selfeval")
def selfeval() -> None:
    """The annual self-evaluation of social work practice (ILACS framework para 33)."""


def _actor(db: Session, la_code: str, username: str) -> As:
    found = db.execute(
        sa.select(User.id, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(User.username == username, Membership.authority_code == la_code)
    ).first()
    if found is None:
        raise click.ClickException(f"--user {username!r}: no such user with a role in {la_code}")
    return As(found[0], found[1])


@selfeval.command("draft")
@click.option("--la", "la_code", required=True, help="The LA's code.")
@click.option("--year", type=int, required=True, help="The self-evaluation's year.")
@click.option("--on", type=DATE, required=True, help="Evidence date, YYYY-MM-DD.")
@click.option("--user", "username", required=True, help="Who is writing (needs selfeval:write).")
@click.option("--refresh", is_flag=True, help="Re-draw the evidence of an existing one at --on.")
def draft(la_code: str, year: int, on: dt.datetime, username: str, refresh: bool) -> None:
    """Open the year's self-evaluation (drafting its evidence if new), or refresh it."""
    engine = engine_from_env()
    try:
        with scoped(engine, Scope(la_code=la_code)) as db:
            actor = _actor(db, la_code, username)
            se, created = service.open_year(db, la_code, year, actor, on.date())
            if refresh and not created:
                for line in service.refresh(db, se, actor, on.date(), se.version) or [
                    "nothing moved"
                ]:
                    click.echo(f"  {line}")
            click.echo(
                f"{la_code} {year}: {'drafted' if created else 'opened'}; evidence at "
                f"{se.evidence_on}, version {se.version}"
            )
    except (service.SelfEvalError, EvidenceError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()


@selfeval.command("export")
@click.option("--la", "la_code", required=True, help="The LA's code.")
@click.option("--year", type=int, required=True, help="The self-evaluation's year.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder to write to.")
def export(la_code: str, year: int, out: Path) -> None:
    """Write the self-evaluation as DOCX and PDF."""
    engine = engine_from_env()
    try:
        with scoped(engine, Scope(la_code=la_code)) as db:
            se = service.get(db, la_code, year)
            if se is None:
                raise click.ClickException(f"{la_code} has no self-evaluation for {year}")
            name = db.scalar(sa.select(LocalAuthority.name).where(LocalAuthority.code == la_code))
            result = render(to_document(se, name or la_code))
    finally:
        engine.dispose()
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"self-evaluation-{la_code}-{year}"
    stem.with_suffix(".docx").write_bytes(result.docx)
    click.echo(f"wrote {stem.with_suffix('.docx')}")
    if result.pdf is None:
        raise click.ClickException(f"the PDF was not made: {result.pdf_error}")
    stem.with_suffix(".pdf").write_bytes(result.pdf)
    click.echo(f"wrote {stem.with_suffix('.pdf')} ({result.pages} pages)")


@selfeval.command("readiness")
@click.option("--la", "la_code", required=True, help="The LA's code.")
@click.option("--on", type=DATE, default=None, help="Date (default today).")
def readiness(la_code: str, on: dt.datetime | None) -> None:
    """Readiness at a glance: self-evaluation age, Annex A, audited cases, actions, measures."""
    engine = engine_from_env()
    try:
        with scoped(engine, Scope(la_code=la_code)) as db:
            r = readiness_of(db, la_code, on.date() if on else dt.date.today())
    finally:
        engine.dispose()
    age = f"{r.selfeval_age_days} days old" if r.selfeval_year else "none recorded"
    click.echo(f"self-evaluation: {age}")
    click.echo(
        f"Annex A today: {r.annex_a_note}; errors {r.annex_a_errors}, warnings {r.annex_a_warnings}"
    )
    click.echo(f"audited cases ready to share (paras 131-135): {r.cases_ready}")
    click.echo(f"overdue actions: {r.overdue_actions}")
    click.echo("measures worse than a year ago: " + (", ".join(r.worse_measures) or "none"))
    click.echo("inspections: " + ("; ".join(r.inspections) or "no inspection history recorded"))
