"""The judgement rules engine: one small evaluator for every framework's rules (data).

A *set* is what an inspection team records: a grade for some or all judgements and yes/no answers
to some or all of the framework's facts. :func:`evaluate` says whether the set keeps every rule,
which grades each rule allows, which grades each judgement may take given the rest of the set,
and why, citing each rule's paragraph.

Semantics (the invariant tests check them against independent oracles):

* A rule ``when C then {J: [grades]}`` is kept when C is false or J's grade is in the list. A
  ``best_fit`` rule is kept when the judgement lies between the worst and the best grade of its
  ``from`` judgements.
* A set with every judgement graded and every fact the rules read answered is *allowed* exactly
  when it keeps every rule, otherwise it is a *violation*.
* When grades or facts are missing, the engine considers every way of completing them: the set is
  a *violation* when no completion keeps every rule, *allowed* when every judgement is graded and
  every completion of the missing facts keeps them all, and *incomplete* otherwise (the answer
  names the facts and judgements still needed).

Rules that share no judgement or fact are independent, so completions are enumerated per group
of connected rules, which keeps the work small.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from grip.frameworks.models import (
    AllCondition,
    AnyCondition,
    Condition,
    FactCondition,
    Framework,
    GradeCondition,
    NotCondition,
    Rule,
    condition_vars,
)

Status = Literal["allowed", "violation", "incomplete"]
RuleState = Literal["kept", "broken", "not-applicable", "undetermined"]


@dataclass(frozen=True)
class RuleOutcome:
    """How one rule bears on the set."""

    rule_id: str
    title: str
    citation: str
    explanation: str
    state: RuleState
    allows: dict[str, list[str]]
    message: str


@dataclass(frozen=True)
class Evaluation:
    """The engine's answer for one set of grades and facts."""

    framework_id: str
    grades: dict[str, str]
    facts: dict[str, bool]
    status: Status
    rules: list[RuleOutcome]
    allowed: dict[str, list[str]]
    missing_judgements: list[str]
    missing_facts: list[str]
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the set is allowed."""
        return self.status == "allowed"


class InputError(ValueError):
    """A grade or fact that the framework does not have."""


# --- evaluation of one rule on complete or partial values --------------------------------------


def _cond(
    condition: Condition, grades: Mapping[str, str], facts: Mapping[str, bool]
) -> bool | None:
    """Kleene three-valued truth of a condition: None when missing values leave it open."""
    if isinstance(condition, FactCondition):
        value = facts.get(condition.fact)
        return None if value is None else value == condition.is_
    if isinstance(condition, GradeCondition):
        seen_unknown = False
        for j in condition.any_judgement:
            grade = grades.get(j)
            if grade is None:
                seen_unknown = True
            elif grade in condition.grade_in:
                return True
        return None if seen_unknown else False
    if isinstance(condition, NotCondition):
        inner = _cond(condition.not_, grades, facts)
        return None if inner is None else not inner
    if isinstance(condition, AllCondition):
        values = [_cond(c, grades, facts) for c in condition.all]
        if False in values:
            return False
        return None if None in values else True
    assert isinstance(condition, AnyCondition)
    values = [_cond(c, grades, facts) for c in condition.any]
    if True in values:
        return True
    return None if None in values else False


def _rule_allows(
    framework: Framework, rule: Rule, grades: Mapping[str, str], facts: Mapping[str, bool]
) -> tuple[bool | None, dict[str, list[str]]]:
    """Whether the rule applies (None: undetermined) and the grades it then allows."""
    scale = [g.id for g in framework.scale]
    if rule.best_fit is not None:
        sources = [grades.get(j) for j in rule.best_fit.from_]
        if any(s is None for s in sources):
            return None, {}
        ranks = [scale.index(s) for s in sources if s is not None]
        return True, {rule.best_fit.judgement: scale[min(ranks) : max(ranks) + 1]}
    assert rule.when is not None and rule.then is not None
    applies = _cond(rule.when, grades, facts)
    return applies, {j: [g for g in scale if g in allowed] for j, allowed in rule.then.items()}


def _kept(
    framework: Framework, rule: Rule, grades: Mapping[str, str], facts: Mapping[str, bool]
) -> bool:
    """Whether complete values keep the rule."""
    applies, allows = _rule_allows(framework, rule, grades, facts)
    if not applies:
        return True
    return all(grades[j] in allowed for j, allowed in allows.items())


def rule_vars(rule: Rule) -> tuple[set[str], set[str]]:
    """The judgements and facts a rule reads or limits."""
    if rule.best_fit is not None:
        return {rule.best_fit.judgement, *rule.best_fit.from_}, set()
    assert rule.when is not None and rule.then is not None
    judgements, facts = condition_vars(rule.when)
    return judgements | set(rule.then), facts


def _groups(framework: Framework) -> list[tuple[list[Rule], list[str], list[str]]]:
    """Rules grouped by shared judgements or facts (connected components)."""
    groups: list[tuple[list[Rule], set[str], set[str]]] = []
    for rule in framework.rules:
        js, fs = rule_vars(rule)
        merged = [g for g in groups if g[1] & js or g[2] & fs]
        rules = [rule]
        for g in merged:
            groups.remove(g)
            rules = [*g[0], *rules]
            js |= g[1]
            fs |= g[2]
        groups.append((rules, js, fs))
    order = [r.id for r in framework.rules]
    return [
        (sorted(rs, key=lambda r: order.index(r.id)), sorted(js), sorted(fs))
        for rs, js, fs in groups
    ]


def _completions(
    scale: list[str],
    judgements: list[str],
    facts: list[str],
    grades: Mapping[str, str],
    known_facts: Mapping[str, bool],
) -> Iterator[tuple[dict[str, str], dict[str, bool]]]:
    free_j = [j for j in judgements if j not in grades]
    free_f = [f for f in facts if f not in known_facts]
    for gs in itertools.product(scale, repeat=len(free_j)):
        g = {
            **{j: grades[j] for j in judgements if j in grades},
            **dict(zip(free_j, gs, strict=True)),
        }
        for fs in itertools.product((False, True), repeat=len(free_f)):
            yield (
                g,
                {
                    **{f: known_facts[f] for f in facts if f in known_facts},
                    **dict(zip(free_f, fs, strict=True)),
                },
            )


def _validate_input(
    framework: Framework, grades: Mapping[str, str], facts: Mapping[str, bool]
) -> None:
    judgement_ids = [j.id for j in framework.judgements]
    scale = [g.id for g in framework.scale]
    fact_ids = [f.id for f in framework.facts]
    for j, g in grades.items():
        if j not in judgement_ids:
            raise InputError(
                f"{j!r} is not a judgement of {framework.id}; expected one of "
                f"{', '.join(judgement_ids)}"
            )
        if g not in scale:
            raise InputError(
                f"{g!r} is not a grade for {j} in {framework.id}; "
                f"expected one of {', '.join(scale)}"
            )
    for f in facts:
        if f not in fact_ids:
            raise InputError(
                f"{f!r} is not a fact of {framework.id}; expected one of "
                f"{', '.join(fact_ids) or '(it has no facts)'}"
            )


def evaluate(
    framework: Framework, grades: Mapping[str, str], facts: Mapping[str, bool] | None = None
) -> Evaluation:
    """Check a set of grades (judgement id → grade id) and facts against the framework's rules."""
    facts = dict(facts or {})
    grades = dict(grades)
    _validate_input(framework, grades, facts)
    outcomes = [_rule_outcome(framework, rule, grades, facts) for rule in framework.rules]
    search = _search(framework, grades, facts)
    missing_judgements = [j.id for j in framework.judgements if j.id not in grades]
    status: Status
    if not search.feasible:
        status, reasons = "violation", _violations(outcomes, search.broken)
    elif missing_judgements or not search.every_completion_ok:
        status = "incomplete"
        reasons = []
        if missing_judgements:
            reasons.append("not yet graded: " + ", ".join(missing_judgements))
        needed_j = search.needed_judgements - set(grades)
        if not search.every_completion_ok and (search.needed_facts or needed_j):
            reasons.append(
                "whether the set keeps every rule depends on: "
                + ", ".join(sorted(search.needed_facts) + sorted(needed_j))
            )
    else:
        status, reasons = "allowed", ["every rule is kept"]
    return Evaluation(
        framework_id=framework.id,
        grades=grades,
        facts=facts,
        status=status,
        rules=outcomes,
        allowed=search.allowed,
        missing_judgements=missing_judgements,
        missing_facts=sorted(search.needed_facts),
        reasons=reasons,
    )


def _rule_outcome(
    framework: Framework, rule: Rule, grades: Mapping[str, str], facts: Mapping[str, bool]
) -> RuleOutcome:
    """One rule on the grades and facts recorded so far: kept, broken, not applicable, or
    undetermined (what is still to record)."""
    applies, allows = _rule_allows(framework, rule, grades, facts)
    state: RuleState
    if applies is None:
        state = "undetermined"
        js, fs = rule_vars(rule)
        needed = [f for f in sorted(fs) if f not in facts] + [
            j for j in sorted(js) if j not in grades
        ]
        message = f"cannot yet say: record {', '.join(needed)}"
    elif not applies:
        state, message = "not-applicable", "its condition does not hold"
    else:
        broken = [j for j, ok in allows.items() if j in grades and grades[j] not in ok]
        state = "broken" if broken else "kept"
        parts = [f"{j} may be {' or '.join(ok) if ok else 'no grade'}" for j, ok in allows.items()]
        message = "; ".join(parts)
        if broken:
            message += "; recorded " + ", ".join(f"{j} {grades[j]}" for j in broken)
    return RuleOutcome(
        rule_id=rule.id,
        title=rule.title,
        citation=rule.source.cite(),
        explanation=rule.explanation,
        state=state,
        allows=allows if applies else {},
        message=message,
    )


@dataclass
class _Search:
    """What trying every completion of the missing grades and facts found."""

    allowed: dict[str, list[str]]
    feasible: bool = True
    every_completion_ok: bool = True
    needed_facts: set[str] = field(default_factory=set)
    needed_judgements: set[str] = field(default_factory=set)
    broken: list[str] = field(default_factory=list)


def _search(framework: Framework, grades: Mapping[str, str], facts: Mapping[str, bool]) -> _Search:
    """Each group of linked rules, tried with every way of completing what is not recorded."""
    scale = [g.id for g in framework.scale]
    out = _Search(allowed={j.id: list(scale) for j in framework.judgements})
    for rules, group_js, group_fs in _groups(framework):
        recorded = {j: grades[j] for j in group_js if j in grades}
        ok_here = False
        any_bad = False
        broken_here: list[str] = []
        for g, f in _completions(scale, group_js, group_fs, recorded, facts):
            broken_ids = [r.id for r in rules if not _kept(framework, r, g, f)]
            if broken_ids:
                any_bad = True
                broken_here.extend(b for b in broken_ids if b not in broken_here)
            else:
                ok_here = True
        for j in group_js:
            out.allowed[j] = _options(framework, rules, j, grades, facts)
        if not ok_here:
            out.feasible = False
            out.broken.extend(broken_here)
        elif any_bad:
            out.every_completion_ok = False
            need_j, need_f = _deciding_vars(framework, rules, grades, facts)
            out.needed_facts |= need_f
            out.needed_judgements |= need_j
    return out


def _violations(outcomes: list[RuleOutcome], broken_somehow: list[str]) -> list[str]:
    """Why the grades break the rules: the rules broken outright, else those in conflict."""
    definite = [o for o in outcomes if o.state == "broken"]
    if definite:
        return [f"{o.title} ({o.citation}): {o.message}" for o in definite]
    by_id = {o.rule_id: o for o in outcomes}
    return [
        "however the missing grades or facts are recorded, a rule is broken; "
        "the rules in conflict: "
        + "; ".join(f"{by_id[r].title} ({by_id[r].citation})" for r in broken_somehow)
    ]


def _options(
    framework: Framework,
    rules: list[Rule],
    judgement: str,
    grades: Mapping[str, str],
    facts: Mapping[str, bool],
) -> list[str]:
    """Grades ``judgement`` may take with every other recorded value fixed: those for which some
    completion of the missing grades and facts keeps every rule of its group."""
    scale = [g.id for g in framework.scale]
    concerned = rules
    js = sorted({j for r in concerned for j in rule_vars(r)[0]})
    fs = sorted({f for r in concerned for f in rule_vars(r)[1]})
    options = []
    for grade in scale:
        fixed = {j: grades[j] for j in js if j in grades and j != judgement}
        fixed[judgement] = grade
        if any(
            all(_kept(framework, r, g, f) for r in concerned)
            for g, f in _completions(scale, js, fs, fixed, facts)
        ):
            options.append(grade)
    return options


def _deciding_vars(
    framework: Framework,
    rules: list[Rule],
    grades: Mapping[str, str],
    facts: Mapping[str, bool],
) -> tuple[set[str], set[str]]:
    """The missing facts and judgements that decide undetermined rules which, if they applied,
    would exclude a recorded grade."""
    need_j: set[str] = set()
    need_f: set[str] = set()
    for rule in rules:
        applies, allows = _rule_allows(framework, rule, grades, facts)
        if applies is not None:
            continue
        if rule.then is not None and not any(
            j in grades and grades[j] not in allowed for j, allowed in allows.items()
        ):
            continue
        rj, rf = rule_vars(rule)
        need_j |= {j for j in rj if j not in grades}
        need_f |= {f for f in rf if f not in facts}
    return need_j, need_f


def check(framework: Framework, grades: Mapping[str, str], facts: Mapping[str, bool]) -> list[str]:
    """Ids of the rules a complete set breaks (every judgement graded, every fact answered)."""
    return [r.id for r in framework.rules if not _kept(framework, r, grades, facts)]
