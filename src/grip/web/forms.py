"""Form input: a pydantic model says what a form posts; its errors are shown in place.

The one pattern for a route that takes a form (see docs/architecture.md, "A form")::

    class NewAction(forms.Form):
        title: Annotated[str, Field(title="Action", max_length=500)]
        due_date: Annotated[dt.date | None, Field(title="Due date")] = None

    @router.post("/plans/{plan_id}/actions", dependencies=[requires("actionplans:write")])
    def add_action(request: Request, principal: CurrentPrincipal, db: ScopedDB,
                   form: FormBody, plan_id: str) -> Response:
        data, errors = forms.parse(NewAction, form)
        if errors:
            return _plan_page(..., errors=errors, values=forms.values(form), status=400)
        ...

Templates show the errors with the macros in ``templates/forms.html`` (GOV.UK error summary at
the top, each message linked to its field and shown beside it, what was typed kept). Dates are
entered with the GOV.UK date input pattern: three fields ``<name>-day``, ``<name>-month`` and
``<name>-year``, read here into one ``datetime.date``.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData

from grip.calendar import EARLIEST_INPUT, LATEST_INPUT

M = TypeVar("M", bound="Form")

#: The parts of a GOV.UK date input, in the order they are shown.
DATE_PARTS = ("day", "month", "year")


class Form(BaseModel):
    """Base of every form model: surrounding spaces trimmed, fields the model does not name
    (the CSRF token, buttons) ignored. ``hidden`` names the fields posted as hidden inputs
    (a version, a month): a refusal is never linked to them."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")
    hidden: ClassVar[frozenset[str]] = frozenset()


class FormErrors(Mapping[str, str]):
    """What was wrong with a form, field by field, in the order the fields are shown.

    ``href`` of each summary entry is the field's id: the field's name, or ``<name>-day`` for a
    date input, so the GOV.UK error summary moves focus to the right input.
    """

    def __init__(self) -> None:
        self._messages: dict[str, str] = {}
        self._anchors: dict[str, str] = {}

    def add(self, field: str, message: str, anchor: str | None = None) -> None:
        """Record ``message`` for ``field`` (the first message for a field wins)."""
        if field not in self._messages:
            self._messages[field] = message
            self._anchors[field] = anchor or field

    def update(self, problems: Mapping[str, str]) -> None:
        """Add the library's refusals, field by field (for example ``plans.Invalid.errors``),
        each as a sentence: libraries word their refusals to follow a colon."""
        for field, message in problems.items():
            self.add(field, message[:1].upper() + message[1:])

    def __getitem__(self, field: str) -> str:
        return self._messages[field]

    def __iter__(self) -> Iterator[str]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)

    def summary(self) -> list[dict[str, str]]:
        """The ``errorList`` of the GOV.UK error summary."""
        return [{"text": m, "href": f"#{self._anchors[f]}"} for f, m in self._messages.items()]


def values(form: FormData | Mapping[str, Any]) -> dict[str, Any]:
    """What the person typed, to put back in the form after an error (the CSRF token left out);
    a name posted more than once (ticked checkboxes) keeps every value, as a list."""
    if not isinstance(form, FormData):
        return {k: str(v) for k, v in form.items() if k != "csrf_token" and isinstance(v, str)}
    kept: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        given = [str(v) for v in form.getlist(key) if isinstance(v, str)]
        kept[key] = given if len(given) > 1 else (given[0] if given else "")
    return kept


def parse(model: type[M], form: FormData | Mapping[str, Any]) -> tuple[M | None, FormErrors]:
    """``form`` read into ``model``; ``(None, errors)`` when anything is wrong.

    Blank fields count as not given. A date field is read from its three GOV.UK date input
    parts (or, from API clients and older pages, from one ``YYYY-MM-DD`` value).
    """
    errors = FormErrors()
    raw: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        label = label_of(model, name)
        if _is_date(info.annotation):
            raw[name] = _read_date(form, name, label, errors)
            continue
        if _is_list(info.annotation):
            raw[name] = _all_values(form, name)
            continue
        value = _one_value(form, name)
        if value not in (None, ""):
            raw[name] = value
    try:
        data = model.model_validate(raw)
    except ValidationError as exc:
        for problem in exc.errors():
            field = str(problem["loc"][0]) if problem["loc"] else ""
            if field in errors:
                continue
            label = label_of(model, field) if field in model.model_fields else field
            errors.add(field, message_for(problem, label), anchor(model, field))
        return None, errors
    if errors:
        return None, errors
    return data, errors


def parse_part(
    model: type[M], form: FormData | Mapping[str, Any], suffix: str
) -> tuple[M | None, FormErrors]:
    """``model`` read from the fields named ``<field><suffix>``, for a page that holds one such
    form per row (a judgement's grade, a comment's decision); the errors are named as posted.
    Date fields are not read this way."""
    part: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = f"{name}{suffix}"
        part[name] = _all_values(form, key) if _is_list(info.annotation) else _one_value(form, key)
    data, errors = parse(model, part)
    named = FormErrors()
    for field in errors:
        named.add(f"{field}{suffix}", errors[field])
    return data, named


def refuse(errors: FormErrors, model: type[Form], message: str, field: str | None = None) -> None:
    """Show a library's refusal beside the field it is about: ``field`` when the library named
    it, else the field whose name or label starts the message ("due date: …"), else the form's
    first field shown to people."""
    shown = [f for f in model.model_fields if f not in model.hidden]
    if field not in shown:
        head = message.partition(":")[0].strip().lower()
        named = [f for f in shown if head in (f, f.replace("_", " "), label_of(model, f).lower())]
        field = named[0] if named else (shown[0] if shown else "")
    errors.add(field, message, anchor(model, field) if field else "main-content")


def label_of(model: type[Form], field: str) -> str:
    """The field's label as people see it (its pydantic ``title``), for messages."""
    info = model.model_fields.get(field)
    if info is not None and info.title:
        return info.title
    return field.replace("_", " ").capitalize()


def message_for(problem: ErrorDetails, label: str) -> str:
    """A pydantic validation problem in words: the field, the value typed and what was expected."""
    kind, ctx, typed = problem["type"], problem.get("ctx") or {}, problem.get("input")
    shown = _shown(typed)
    if kind == "missing":
        return f"Enter {label.lower()}" if not label.endswith("?") else f"Answer: {label}"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"{label} must be a whole number, like 3 – you entered {shown}"
    if kind in ("float_parsing", "decimal_parsing"):
        return f"{label} must be a number – you entered {shown}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{label} must be {ctx.get('ge', ctx.get('gt'))} or more – you entered {shown}"
    if kind in ("less_than_equal", "less_than"):
        return f"{label} must be {ctx.get('le', ctx.get('lt'))} or less – you entered {shown}"
    if kind == "string_too_long":
        n = len(typed) if isinstance(typed, str) else "more"
        return f"{label} must be {ctx.get('max_length')} characters or fewer – you entered {n}"
    if kind == "string_too_short":
        return f"Enter {label.lower()}"
    if kind in ("literal_error", "enum"):
        return f"Choose {label.lower()} from the list – {shown} is not one of the choices"
    if kind == "bool_parsing":
        return f"Choose yes or no for {label.lower()}"
    return f"{label}: {shown} is not valid – {problem['msg']}"


def _shown(value: object) -> str:
    text = "" if value is None else str(value)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _one_value(form: FormData | Mapping[str, Any], name: str) -> Any:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else value


def _all_values(form: FormData | Mapping[str, Any], name: str) -> list[str]:
    """Every value posted under ``name`` (ticked checkboxes), blanks left out."""
    given: Any = form.getlist(name) if isinstance(form, FormData) else form.get(name)
    items = [given] if isinstance(given, str) else list(given or [])
    return [v.strip() for v in items if isinstance(v, str) and v.strip()]


def _is_list(annotation: Any) -> bool:
    """True for ``list[...]`` (also inside ``Annotated``): a group of checkboxes."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _is_list(typing.get_args(annotation)[0])
    return typing.get_origin(annotation) is list


def _is_date(annotation: Any) -> bool:
    """True for ``date`` and ``date | None`` (also inside ``Annotated``)."""
    if annotation is dt.date:
        return True
    if typing.get_origin(annotation) is typing.Annotated:
        return _is_date(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(a is dt.date for a in typing.get_args(annotation))
    return False


def anchor(model: type[Form], field: str) -> str:
    """The id the error summary links to for ``field``: the day of a date input."""
    info = model.model_fields.get(field)
    return f"{field}-day" if info is not None and _is_date(info.annotation) else field


def _read_date(
    form: FormData | Mapping[str, Any], name: str, label: str, errors: FormErrors
) -> dt.date | None:
    """The date typed in the ``name`` date input; None when left blank; a problem goes in
    ``errors`` in the GOV.UK date input pattern's words ("Due date must include a month")."""
    parts = {p: str(form.get(f"{name}-{p}") or "").strip() for p in DATE_PARTS}
    if not any(parts.values()):
        whole = str(form.get(name) or "").strip()
        return _read_iso(whole, name, label, errors) if whole else None
    missing = [p for p in DATE_PARTS if not parts[p]]
    if missing:
        errors.add(name, f"{label} must include a {' and '.join(missing)}", f"{name}-{missing[0]}")
        return None
    if not all(v.isascii() and v.isdigit() for v in parts.values()):
        errors.add(name, f"{label} must be a real date, written in numbers", f"{name}-day")
        return None
    try:
        day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        errors.add(name, f"{label} must be a real date", f"{name}-day")
        return None
    return _in_range(day, name, label, errors)


def _read_iso(whole: str, name: str, label: str, errors: FormErrors) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(whole)
    except ValueError:
        errors.add(
            name, f"{label} must be a real date, like 2027-04-02 – you entered {_shown(whole)}"
        )
        return None
    return _in_range(day, name, label, errors)


def _in_range(day: dt.date, name: str, label: str, errors: FormErrors) -> dt.date | None:
    if not EARLIEST_INPUT <= day <= LATEST_INPUT:
        errors.add(
            name,
            f"{label} must be between {EARLIEST_INPUT.year} and {LATEST_INPUT.year}",
            f"{name}-year",
        )
        return None
    return day


def date_parts(values: Mapping[str, Any], name: str) -> dict[str, str]:
    """The day, month and year to show in the ``name`` date input: as typed after an error, or
    split from a stored date (a ``date`` or ``YYYY-MM-DD``) when the page first shows."""
    typed = {p: str(values.get(f"{name}-{p}") or "") for p in DATE_PARTS}
    if any(typed.values()):
        return typed
    stored = values.get(name)
    if isinstance(stored, dt.date):
        return {"day": str(stored.day), "month": str(stored.month), "year": str(stored.year)}
    try:
        day = dt.date.fromisoformat(str(stored or ""))
    except ValueError:
        return typed
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def error_list(
    errors: FormErrors | Mapping[str, str] | list[dict[str, str]],
) -> list[dict[str, str]]:
    """The GOV.UK error summary's ``errorList`` for ``errors`` (field to message, or a list
    already in that shape)."""
    if isinstance(errors, FormErrors):
        return errors.summary()
    if isinstance(errors, Mapping):
        return [{"text": str(m), "href": f"#{f}"} for f, m in errors.items()]
    return list(errors)
