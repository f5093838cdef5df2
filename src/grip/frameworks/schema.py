"""Write the published JSON schemas from the models: ``python -m grip.frameworks.schema``.

``framework.schema.json`` is what a framework YAML file must satisfy; ``show.schema.json`` is the
shape of ``grip frameworks show --json``. A test fails when the files and the models differ.
"""

from __future__ import annotations

import json

from grip.frameworks.loader import SCHEMA_PATH, SHOW_SCHEMA_PATH, generated_schemas


def render(schema: dict[str, object]) -> str:
    """The schema as the file holds it."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    """Regenerate both schema files."""
    inp, out = generated_schemas()
    SCHEMA_PATH.write_text(render(inp), encoding="utf-8")
    SHOW_SCHEMA_PATH.write_text(render(out), encoding="utf-8")


if __name__ == "__main__":
    main()
