"""grip.web.forms: form models read a form's fields, dates come from the GOV.UK date input's
three fields, and every problem is a message naming the field, the value and what was expected,
linked from the error summary to its field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field
from starlette.datastructures import FormData

from grip.web import forms
from grip.web.app import make_templates


class Example(forms.Form):
    title: Annotated[str, Field(title="Action", max_length=10)]
    count: Annotated[int, Field(title="Cases per group", ge=1)] = 1
    due: Annotated[dt.date | None, Field(title="Due date")] = None
    colour: Annotated[Literal["red", "green"] | None, Field(title="Colour")] = None


def test_a_good_form_is_read_into_its_model() -> None:
    data, errors = forms.parse(
        Example,
        {"title": "  Visit ", "count": "3", "due-day": "2", "due-month": "4", "due-year": "2027"},
    )
    assert not errors
    assert data == Example(title="Visit", count=3, due=dt.date(2027, 4, 2))


def test_blank_fields_take_their_defaults_and_a_missing_required_one_is_named() -> None:
    data, errors = forms.parse(Example, {"title": "", "count": "", "csrf_token": "x"})
    assert data is None
    assert dict(errors) == {"title": "Enter action"}


def test_each_problem_names_the_field_the_value_and_what_was_expected() -> None:
    _, errors = forms.parse(Example, {"title": "x" * 11, "count": "0", "colour": "blue"})
    assert errors["title"] == "Action must be 10 characters or fewer – you entered 11"
    assert errors["count"] == "Cases per group must be 1 or more – you entered '0'"
    assert "'blue' is not one of the choices" in errors["colour"]
    _, errors = forms.parse(Example, {"title": "a", "count": "two"})
    assert errors["count"] == "Cases per group must be a whole number, like 3 – you entered 'two'"


def test_date_input_problems_use_the_design_system_words_and_link_to_the_part() -> None:
    _, errors = forms.parse(Example, {"title": "a", "due-day": "2", "due-year": "2027"})
    assert errors["due"] == "Due date must include a month"
    assert errors.summary() == [{"text": "Due date must include a month", "href": "#due-month"}]
    _, errors = forms.parse(
        Example, {"title": "a", "due-day": "31", "due-month": "2", "due-year": "2027"}
    )
    assert errors["due"] == "Due date must be a real date"
    _, errors = forms.parse(
        Example, {"title": "a", "due-day": "1", "due-month": "1", "due-year": "9999"}
    )
    assert errors["due"] == "Due date must be between 1900 and 2099"


class Row(forms.Form):
    grade: Annotated[str, Field(title="Grade")]
    entries: Annotated[list[str], Field(title="Entries", default_factory=list)]


def test_one_row_of_a_page_of_rows_is_read_and_its_errors_named_as_posted() -> None:
    form = FormData([("grade-a", "good"), ("entries-a", "1"), ("entries-a", "2"), ("grade-b", "")])
    data, errors = forms.parse_part(Row, form, "-a")
    assert data == Row(grade="good", entries=["1", "2"]) and not errors
    data, errors = forms.parse_part(Row, form, "-b")
    assert data is None and dict(errors) == {"grade-b": "Enter grade"}
    assert errors.summary() == [{"text": "Enter grade", "href": "#grade-b"}]


def test_a_librarys_refusal_is_shown_as_a_sentence() -> None:
    errors = forms.FormErrors()
    errors.update({"note": "write the note"})
    assert errors["note"] == "Write the note"


def test_one_iso_value_is_still_read_for_api_clients() -> None:
    data, _ = forms.parse(Example, {"title": "a", "due": "2027-04-02"})
    assert data is not None and data.due == dt.date(2027, 4, 2)
    _, errors = forms.parse(Example, {"title": "a", "due": "2/4/27"})
    assert "you entered '2/4/27'" in errors["due"]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_a_date_shown_in_the_date_input_reads_back_the_same(day: dt.date) -> None:
    parts = forms.date_parts({"due": day}, "due")
    typed = {f"due-{k}": v for k, v in parts.items()}
    data, errors = forms.parse(Example, {"title": "a", **typed})
    assert not errors and data is not None and data.due == day


def test_the_macros_show_the_summary_linked_to_the_field_and_keep_what_was_typed() -> None:
    typed = {"title": "x" * 11, "due-day": "31", "due-month": "2", "due-year": "2027"}
    _, errors = forms.parse(Example, typed)
    page = (
        make_templates()
        .from_string(
            '{% from "forms.html" import error_summary, text_input, date_input with context %}'
            '{{ error_summary() }}{{ text_input("title", "Action") }}'
            '{{ date_input("due", "Due date") }}'
        )
        .render(errors=errors, values=forms.values(typed))
    )
    assert 'href="#title"' in page and 'href="#due-day"' in page
    assert 'id="title-error"' in page and "govuk-input--error" in page
    assert 'value="xxxxxxxxxxx"' in page and 'name="due-day"' in page and 'value="31"' in page
