"""TOML text of a scenario or catalog (tomllib only reads): what a saved table records as the
scenario it was made from, and what tests write to disk. Every text is checked to parse back to
the input."""

import json
import math
import tomllib


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def to_toml(raw: dict) -> str:
    """TOML for a scenario or catalog: top-level scalars, then one table per dict (one level of
    [a.b] nesting for catalogs)."""
    lines = [f"{k} = {toml_value(v)}" for k, v in raw.items() if not isinstance(v, dict)]
    for name, table in raw.items():
        if not isinstance(table, dict):
            continue
        if table and all(isinstance(v, dict) for v in table.values()) and name in ("hardware",
                                                                                   "models"):
            for sub, entry in table.items():
                lines.append(f"[{name}.{json.dumps(sub)}]")
                lines += [f"{k} = {toml_value(v)}" for k, v in entry.items()]
        else:
            lines.append(f"[{name}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in table.items()]
    text = "\n".join(lines) + "\n"
    if tomllib.loads(text) != raw:
        raise ValueError("this structure has no TOML text that reads back the same")
    return text
