"""``grip audits``: the monthly audit sample, moderation agreement, overdue lists."""

from __future__ import annotations

import datetime as dt
import json

import click

from grip.access.scope import Scope, scoped
from grip.audits.lifecycle import AuditError
from grip.audits.moderation import AgreementRow
from grip.audits.moderation import agreement as agreement_report
from grip.audits.sampling import sample_month
from grip.audits.templates import all_templates
from grip.cli.common import engine_from_env


@click.group("audits")
def audits() -> None:
    """Case audits: sampling, moderation agreement."""


def _parse_include(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        pid, sep, why = v.partition("=")
        if not sep or not pid.strip() or not why.strip():
            raise click.BadParameter(
                f"{v!r}: expected PERSON_ID=REASON, e.g. P123='raised at the P&Q meeting'",
                param_hint="--include",
            )
        out[pid.strip()] = why.strip()
    return out


@audits.command("sample")
@click.option("--la", "la_code", required=True, help="The LA's code.")
@click.option("--month", required=True, help="The programme month, YYYY-MM.")
@click.option("--per-group", default=1, show_default=True, help="Cases per practice group.")
@click.option(
    "--seed", type=int, default=None, help="Random seed (default: fixed per LA and month)."
)
@click.option(
    "--include",
    multiple=True,
    help="PERSON_ID=REASON: choose this case on purpose (even if audited in the last 12 months).",
)
@click.option("--delegated-team", multiple=True, help="A team run by a delegated provider.")
@click.option("--dry-run", is_flag=True, help="Show the sample without storing it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def sample(
    la_code: str,
    month: str,
    per_group: int,
    seed: int | None,
    include: tuple[str, ...],
    delegated_team: tuple[str, ...],
    dry_run: bool,
    as_json: bool,
) -> None:
    """Choose the month's audit sample (Southwark QA framework 2015, appendix 1 §2a; ILACS framework
    (Ofsted 170040) paras 150, 153)."""
    engine = engine_from_env()
    try:
        with scoped(engine, Scope(la_code=la_code)) as db:
            result = sample_month(
                db,
                la_code,
                month,
                per_group=per_group,
                seed=seed,
                deliberate=_parse_include(include),
                delegated_team_ids=delegated_team,
                store=not dry_run,
            )
    except AuditError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2))
        return
    verb = "chosen and stored" if result.stored else "chosen (dry run, not stored)"
    click.echo(f"{la_code} {month}: {len(result.picks)} cases {verb}; seed {result.seed}")
    for p in result.picks:
        click.echo(f"  {p.person_id}  [{p.team_name}]  {p.reason}")
    if result.excluded_recent:
        click.echo(f"excluded (audited in the last 12 months): {len(result.excluded_recent)}")
    if result.groups_without_cases:
        click.echo(
            "practice groups without an eligible case: " + ", ".join(result.groups_without_cases)
        )


@audits.command("agreement")
@click.option("--la", "la_code", required=True, help="The LA's code.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def agreement(
    la_code: str, date_from: dt.datetime | None, date_to: dt.datetime | None, as_json: bool
) -> None:
    """Moderation agreement: percentage agreement and Cohen's kappa, by team and over time."""
    engine = engine_from_env()
    try:
        with scoped(engine, Scope(la_code=la_code)) as db:
            report = agreement_report(
                db,
                la_code,
                date_from.date() if date_from else None,
                date_to.date() if date_to else None,
            )
    except AuditError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
        return

    def line(r: AgreementRow) -> str:
        d = r.as_json()
        pct = "-" if d["percent_agreement"] is None else f"{d['percent_agreement']:.1f}%"
        kappa = "undefined" if d["kappa"] is None else f"{d['kappa']:.3f}"
        return f"  {d['group']:<20} n={d['n']:<4} agreed={d['agreed']:<4} {pct:>7}  kappa {kappa}"

    click.echo(f"{la_code}: moderation agreement")
    click.echo(line(report.overall))
    for title, rows in (("by team", report.by_team), ("by quarter", report.by_quarter)):
        click.echo(title)
        for r in rows:
            click.echo(line(r))
    click.echo(f"disagreements: {len(report.disagreements)}")
    for d in report.disagreements:
        click.echo(
            f"  audit {d.audit_id} ({d.person_id}): auditor {d.auditor_grade} — "
            f"{d.auditor_reason or ''} | moderator {d.moderator_grade} — {d.moderator_reason or ''}"
        )


@audits.command("inspection-list")
@click.option("--la", "la_code", required=True, help="The LA's code.")
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="The inspection or visit date.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def inspection_list_cmd(la_code: str, on: dt.datetime, as_json: bool) -> None:
    """Audits of the six months before an inspection: child ID, theme, date (ILACS para 257)."""
    from grip.audits.reports import inspection_list

    engine = engine_from_env()
    try:
        with scoped(engine, Scope(la_code=la_code)) as db:
            rows = inspection_list(db, la_code, on.date())
    finally:
        engine.dispose()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "child_id": r.person_id,
                        "theme": r.theme,
                        "completed": r.completed_on.isoformat(),
                        "grade": r.final_grade,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return
    for r in rows:
        click.echo(f"{r.person_id}\t{r.theme}\t{r.completed_on.isoformat()}\t{r.final_grade or ''}")


@audits.command("templates")
def templates() -> None:
    """List the audit templates."""
    for t in all_templates():
        click.echo(
            f"{t.id:<22} {t.title} ({len(t.sections)} sections, {len(t.question_keys())} questions)"
        )
