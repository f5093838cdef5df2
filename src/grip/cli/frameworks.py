"""``grip frameworks`` (list, show, search, judge): inspection frameworks as data."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click

from grip import frameworks
from grip.frameworks import Evaluation, Framework, FrameworkError, InputError

EXIT_VIOLATION = 1
EXIT_INCOMPLETE = 3


def _load(framework_id: str) -> Framework:
    try:
        return frameworks.load(framework_id)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="ID") from exc
    except FrameworkError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group("frameworks")
def frameworks_group() -> None:
    """Browse the inspection frameworks: judgements, headings, criteria, descriptors, rules."""


@frameworks_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def framework_list(as_json: bool) -> None:
    """List the frameworks, the one in force first."""
    try:
        items = frameworks.list_frameworks()
    except FrameworkError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": f.id,
                        "title": f.title,
                        "short_title": f.short_title,
                        "status": f.status,
                        "judgements": [j.id for j in f.judgements],
                    }
                    for f in items
                ],
                indent=2,
            )
        )
        return
    for f in items:
        published = ", ".join(d.published for d in f.documents)
        click.echo(f"{f.id:<12} {f.status:<11} {f.short_title} (published {published})")
        click.echo(f"{'':<12} judgements: {', '.join(j.id for j in f.judgements)}")


@frameworks_group.command("show")
@click.argument("framework_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema: show.schema.json).")
def framework_show(framework_id: str, as_json: bool) -> None:
    """Show a framework: scale, judgements, headings, criteria, descriptors, facts and rules."""
    fw = _load(framework_id)
    if as_json:
        click.echo(json.dumps(fw.model_dump(mode="json", by_alias=True), indent=2))
        return
    click.echo(f"{fw.title} [{fw.id}] — {fw.status}")
    click.echo(fw.summary)
    click.echo("\nSources:")
    for doc in fw.documents:
        click.echo(
            f"  {doc.id}: {doc.title.strip()} ({doc.publisher}, {doc.published}, seed {doc.seed})"
        )
    click.echo(f"\nScale ({fw.scale_source.cite()}): " + ", ".join(g.label for g in fw.scale))
    for j in fw.judgements:
        click.echo(f"\n== {j.title} [{j.id}] ({j.kind}; {j.source.cite()})")
        click.echo(f"   {j.summary}")
        if j.evaluation_points:
            click.echo("   Inspectors take into account:")
            for c in j.evaluation_points:
                click.echo(f"     - {c.text}  [{c.ref}; {c.source.cite()}]")
        for h in j.headings:
            click.echo(f"   -- {h.title} [{h.ref}]")
            for c in h.criteria:
                click.echo(f"     - {c.text}  [{c.id}; {c.source.cite()}]")
        if j.criteria:
            click.echo("   Criteria for good:")
            for c in j.criteria:
                click.echo(f"     - {c.text}  [{c.ref}; {c.source.cite()}]")
        for d in j.descriptors:
            click.echo(f"   {fw.grade(d.grade).label}: {d.text}  [{d.source.cite()}]")
            for c in d.points:
                click.echo(f"     - {c.text}  [{c.id}]")
        for note in j.notes:
            click.echo(f"   Note: {note}")
    if fw.facts:
        click.echo("\nFacts the inspector records:")
        for fact in fw.facts:
            click.echo(f"  {fact.id}: {fact.question}  [{fact.source.cite()}]")
    if fw.rules:
        click.echo("\nJudgement rules:")
        for rule in fw.rules:
            click.echo(f"  {rule.id}: {rule.title} [{rule.source.cite()}]")
            click.echo(f"    {rule.explanation}")
    if fw.focused_visits:
        fv = fw.focused_visits
        click.echo(f"\nFocused-visit topics ({fv.source.cite()}):")
        for t in fv.topics:
            click.echo(f"  {t.title} [{t.id}]")
            for sub in t.subtopics:
                click.echo(f"    - {sub}")
        click.echo(f"Evaluated on every focused visit ({fv.aspects_source.cite()}):")
        for aspect in fv.aspects:
            click.echo(f"  - {aspect}")


@frameworks_group.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--framework", "framework_id", help="Search only this framework.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def framework_search(words: tuple[str, ...], framework_id: str | None, as_json: bool) -> None:
    """Find judgements, headings, criteria, descriptors and rules containing every word."""
    if framework_id:
        _load(framework_id)
    hits = frameworks.search(" ".join(words), [framework_id] if framework_id else None)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(h) for h in hits], indent=2))
        return
    if not hits:
        click.echo(f"nothing found for {' '.join(words)!r}")
        return
    for h in hits:
        click.echo(f"{h.ref} ({h.kind}; {h.citation})")
        click.echo(f"    {(h.title + ': ' if h.title else '')}{h.text}".rstrip(": "))


def _judgement_options() -> list[str]:
    """Every judgement id of every framework (one ``--<judgement>`` option each)."""
    try:
        return sorted({j.id for f in frameworks.list_frameworks() for j in f.judgements})
    except FrameworkError:
        # A broken framework file must not break every grip command; `judge` reports it.
        return []


def _parse_fact(text: str) -> tuple[str, bool]:
    name, sep, value = text.partition("=")
    answers = {"yes": True, "true": True, "y": True, "no": False, "false": False, "n": False}
    if not sep or value.strip().lower() not in answers:
        raise click.BadParameter(f"{text!r}: expected NAME=yes or NAME=no", param_hint="--fact")
    return name.strip(), answers[value.strip().lower()]


def _print_evaluation(fw: Framework, result: Evaluation) -> None:
    verdict = {
        "allowed": "ALLOWED: the set keeps every rule",
        "violation": "NOT ALLOWED: the set breaks the framework's rules",
        "incomplete": "INCOMPLETE: the set does not yet say enough to decide",
    }[result.status]
    click.echo(f"{fw.short_title} [{fw.id}] — {verdict}")
    for reason in result.reasons:
        click.echo(f"  {reason}")
    click.echo("\nRules:")
    for o in result.rules:
        click.echo(f"  [{o.state}] {o.title} ({o.citation})")
        click.echo(f"      {o.message}")
        if o.state in ("broken", "undetermined"):
            click.echo(f"      why: {o.explanation}")
    click.echo("\nGrades each judgement may take, the rest of the set as recorded:")
    for j in fw.judgements:
        options = result.allowed[j.id]
        shown = ", ".join(options) if options else "none (the other grades already break a rule)"
        recorded = result.grades.get(j.id)
        click.echo(f"  {j.id}: {shown}" + (f"   [recorded: {recorded}]" if recorded else ""))


def _make_judge() -> click.Command:
    judgement_ids = _judgement_options()

    @click.command("judge")
    @click.option(
        "--framework", "framework_id", required=True, help="Framework id, e.g. ilacs-2017."
    )
    @click.option(
        "--fact",
        "fact_args",
        multiple=True,
        metavar="NAME=yes|no",
        help="A finding the rules depend on (see `grip frameworks show ID`).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    def judge(
        ctx: click.Context,
        /,
        framework_id: str,
        fact_args: tuple[str, ...],
        as_json: bool,
        **grades: Any,
    ) -> None:
        """Check a set of judgements against a framework's rules, and explain the outcome.

        Give each grade as --<judgement> GRADE (for example --help-protection inadequate).
        Exit status: 0 allowed, 1 the set breaks a rule, 3 more grades or facts are needed.
        """
        fw = _load(framework_id)
        given = {k.replace("_", "-"): v for k, v in grades.items() if v is not None}
        known = {j.id for j in fw.judgements}
        for judgement_id in given:
            if judgement_id not in known:
                raise click.UsageError(
                    f"--{judgement_id} is not a judgement of {fw.id}; its judgements are "
                    + ", ".join(f"--{j.id}" for j in fw.judgements)
                )
        scale = {g.id for g in fw.scale}
        normalised: dict[str, str] = {}
        for judgement_id, grade in given.items():
            value = grade.strip().lower().replace(" ", "-").replace("_", "-")
            if value not in scale:
                raise click.BadParameter(
                    f"{grade!r} is not a grade of {fw.id}; expected one of "
                    + ", ".join(g.id for g in fw.scale),
                    param_hint=f"--{judgement_id}",
                )
            normalised[judgement_id] = value
        facts = dict(_parse_fact(text) for text in fact_args)
        try:
            result = frameworks.evaluate(fw, normalised, facts)
        except InputError as exc:
            raise click.UsageError(str(exc)) from exc
        if as_json:
            click.echo(json.dumps(dataclasses.asdict(result), indent=2))
        else:
            _print_evaluation(fw, result)
        if result.status == "violation":
            ctx.exit(EXIT_VIOLATION)
        if result.status == "incomplete":
            ctx.exit(EXIT_INCOMPLETE)

    for judgement_id in judgement_ids:
        judge = click.option(
            f"--{judgement_id}",
            judgement_id.replace("-", "_"),
            metavar="GRADE",
            help=f"Grade for the judgement {judgement_id}.",
        )(judge)
    return judge


frameworks_group.add_command(_make_judge())
