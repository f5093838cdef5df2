"""Load framework YAML files, validated against the published schema, with clear errors.

Each file in ``grip/frameworks/data/`` is one framework version. Loading checks, in order: YAML
syntax, the JSON schema (``framework.schema.json``), then the cross-references the schema cannot
express (every rule names known judgements, grades and facts; every source names a declared
document; ids are unique). Any failure raises :class:`FrameworkError` naming the file, the line
and column, the path in the document, the value found and what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match
from pydantic import ValidationError

from grip.frameworks.models import Framework

DATA_DIR = Path(str(resources.files("grip.frameworks") / "data"))
SCHEMA_PATH = Path(str(resources.files("grip.frameworks") / "framework.schema.json"))
SHOW_SCHEMA_PATH = Path(str(resources.files("grip.frameworks") / "show.schema.json"))


class FrameworkError(ValueError):
    """A framework file is invalid; the message says where and what was expected."""

    def __init__(
        self,
        file: Path | str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        path: Sequence[str | int] = (),
        value: Any = None,
    ) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.path = "/".join(str(p) for p in path)
        self.value = value
        where = self.file
        if line is not None:
            where += f", line {line}, column {column}"
        if self.path:
            where += f", at {self.path}"
        text = f"{where}: {message}"
        if value is not None:
            shown = repr(value)
            text += f" (found {shown[:120]}{'…' if len(shown) > 120 else ''})"
        super().__init__(text)


def input_schema() -> dict[str, Any]:
    """The JSON schema a framework YAML file must satisfy."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def show_schema() -> dict[str, Any]:
    """The JSON schema of ``grip frameworks show --json`` (a framework as loaded)."""
    schema: dict[str, Any] = json.loads(SHOW_SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def generated_schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """The input and show schemas as the models define them (the files must equal these)."""
    base = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    inp = Framework.model_json_schema(by_alias=True, mode="validation")
    out = Framework.model_json_schema(by_alias=True, mode="serialization")
    inp = {**base, "$id": "https://grip.example/schemas/framework.schema.json", **inp}
    out = {**base, "$id": "https://grip.example/schemas/show.schema.json", **out}
    return inp, out


def _node_at(root: yaml.Node | None, path: Sequence[str | int]) -> yaml.Node | None:
    """The YAML node at a JSON path, to report a line and column."""
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), node)
            if node is None:
                return None
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def _error_at(
    file: Path, root: yaml.Node | None, path: Sequence[str | int], message: str, value: Any
) -> FrameworkError:
    node = _node_at(root, path)
    line = node.start_mark.line + 1 if node is not None else None
    column = node.start_mark.column + 1 if node is not None else None
    return FrameworkError(file, message, line=line, column=column, path=path, value=value)


def parse_file(path: Path) -> Framework:
    """Parse and validate one framework file (no caching)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError(path, f"cannot read the file: {exc}") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise FrameworkError(
            path,
            f"invalid YAML: {exc.problem}; expected a YAML mapping as described in "
            "docs/frameworks.md",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from exc
    except yaml.YAMLError as exc:
        raise FrameworkError(path, f"invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise FrameworkError(path, "expected a mapping at the top of the file", value=data)
    errors = list(Draft202012Validator(input_schema()).iter_errors(data))
    if errors:
        err: SchemaError = best_match(errors)
        where = list(err.absolute_path)
        raise _error_at(path, root, where, f"expected {err.message}", err.instance)
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [p for p in first["loc"] if not isinstance(p, str) or not p.endswith("]")]
        # A whole-file check (empty location) names its problems itself; echoing the whole
        # document back as "the value found" would only bury them.
        value = first.get("input") if loc else None
        raise _error_at(path, root, loc, first["msg"], value) from exc
    except ValueError as exc:
        raise FrameworkError(path, str(exc)) from exc
    if framework.id != path.stem:
        raise _error_at(
            path, root, ["id"], f"the id must match the file name {path.stem!r}", framework.id
        )
    return framework


@cache
def load(framework_id: str) -> Framework:
    """The framework with this id (e.g. ``ilacs-2017``), loaded once and validated."""
    path = DATA_DIR / f"{framework_id}.yaml"
    if framework_id not in framework_ids():
        raise KeyError(
            f"no framework {framework_id!r}; the frameworks are {', '.join(framework_ids())}"
        )
    return parse_file(path)


def framework_ids() -> list[str]:
    """Ids of every framework shipped with Grip, sorted."""
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def list_frameworks() -> list[Framework]:
    """Every framework, the one in force first, then the older ones newest first."""
    frameworks = [load(fid) for fid in framework_ids()]
    return sorted(
        frameworks,
        key=lambda f: (f.status != "in-force", -int(max(d.published[:4] for d in f.documents))),
    )
