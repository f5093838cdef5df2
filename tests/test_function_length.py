"""No function in ``src/grip`` is over 80 lines: a long function is split by meaning into short
ones with plain names (the team's standard; aim for under 50).

Migrations are left out: each is the frozen record of a schema change already applied to
databases, read as one script from top to bottom, and is not edited after it lands.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "grip"
LIMIT = 80
EXCLUDED = ("store/migrations/versions/",)


def long_functions(source: str, limit: int = LIMIT) -> list[tuple[str, int, int]]:
    """``(qualified name, first line, length in lines)`` of each function longer than
    ``limit`` lines, from the ``def`` line to the last line of its body (nested functions and
    methods count on their own, and inside the function that holds them)."""
    out: list[tuple[str, int, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    length = (child.end_lineno or child.lineno) - child.lineno + 1
                    if length > limit:
                        out.append((name, child.lineno, length))
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return out


def _modules() -> list[Path]:
    return [
        p
        for p in sorted(SRC.rglob("*.py"))
        if not any(x in p.relative_to(SRC).as_posix() for x in EXCLUDED)
    ]


def test_no_function_in_src_is_over_80_lines() -> None:
    found = [
        f"{path.relative_to(SRC.parent).as_posix()}:{line} {name} ({n} lines)"
        for path in _modules()
        for name, line, n in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"functions over {LIMIT} lines (split them by meaning):\n" + "\n".join(found)


def test_the_modules_are_found() -> None:
    names = {p.relative_to(SRC).as_posix() for p in _modules()}
    assert "casedata/facts.py" in names
    assert not any(n.startswith("store/migrations/versions/") for n in names)


def _function(name: str, body_lines: int, indent: str = "") -> str:
    body = "".join(f"{indent}    x{i} = {i}\n" for i in range(body_lines))
    return f"{indent}def {name}() -> None:\n{body}"


@pytest.mark.parametrize(("body", "flagged"), [(79, False), (80, True), (200, True)])
def test_the_checker_counts_from_def_to_the_last_line(body: int, flagged: bool) -> None:
    # A def line and ``body`` lines: 80 lines in all passes, 81 fails.
    found = long_functions(_function("f", body))
    assert bool(found) is flagged
    if flagged:
        assert found == [("f", 1, body + 1)]


def test_the_checker_names_methods_and_nested_functions() -> None:
    source = (
        "class Report:\n"
        + _function("build", 90, indent="    ")
        + "\n"
        + "def outer() -> None:\n"
        + _function("inner", 85, indent="    ")
        + "    return None\n"
        + "\n"
        + "async def short() -> None:\n    return None\n"
    )
    found = long_functions(source)
    assert [(name, n) for name, _line, n in found] == [
        ("Report.build", 91),
        ("outer", 88),
        ("outer.inner", 86),
    ]


def test_decorators_are_not_counted_and_docstrings_are() -> None:
    source = textwrap.dedent(
        '''
        @decorator
        def f() -> None:
            """A docstring
            over two lines."""
        '''
    )
    assert long_functions(source, limit=2) == [("f", 3, 3)]
