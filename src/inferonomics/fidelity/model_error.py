"""The model's own error, measured on published data, added to a run's intervals (issue 14, part 5).

A run's p5..p95 carries the uncertainty of its inputs only. ``inferonomics validate`` learns by
conformal prediction how far measurements fall outside that interval, per kind of measurement
(:mod:`.conformal`; its leave-one-source-out check says the margin holds on a source it was not
calibrated on). The margins calibrated on every source ship in ``data/model_error.toml``;
``inferonomics run --model-error`` widens each metric's interval by the margin of the kind it
shares its error with (:attr:`inferonomics.model.registry.Metric.error_kind`: a cost per token
moves with throughput, carbon and water with energy) to ``[p5 e^-Q, p95 e^Q]``. A metric no
measurement checks (memory, batch) keeps its interval and says so.

``python -m inferonomics.fidelity.model_error`` recomputes the file from the shipped cases
(:data:`SAMPLES` samples a case, seed 0: what ``tests/test_validation.py`` checks it against).
"""

from __future__ import annotations

import datetime
import math
import os
import tempfile
import tomllib
from importlib import resources
from pathlib import Path

from ..model.registry import ERROR_KINDS, METRIC_BY_NAME
from ..versions import provenance
from .validation import validate

SAMPLES = 2000
SEED = 0
DATA_FILE = "model_error.toml"


def margins() -> dict[str, float]:
    """ln of the factor each kind's interval ends are widened by (``"all"``: every kind pooled)."""
    text = resources.files("inferonomics").joinpath("data", DATA_FILE).read_bytes()
    return dict(tomllib.loads(text.decode("utf-8"))["margins"])


def widened(metric: str, p5: float, p95: float, table: dict[str, float] | None = None
            ) -> tuple[float, float] | None:
    """``metric``'s interval ``p5..p95`` widened by its kind's margin (never narrowed), or None
    when no published measurement checks the metric (metrics that can be negative, a net value,
    have no kind) or the measurements bound no margin for it."""
    kind = METRIC_BY_NAME[metric].error_kind
    if kind is None:
        return None
    table = margins() if table is None else table
    # A negative margin (the measurements of a kind all fell well inside) would narrow the
    # interval below what the inputs' uncertainty alone gives; the model's error never does that.
    q = table[kind] if kind in table else table.get("all")
    if q is None:   # no bounded margin of its own nor pooled: no interval to give
        return None
    q = max(q, 0.0)
    return p5 * math.exp(-q), p95 * math.exp(q)


def compute() -> dict:
    """The margins calibrated on every source, from a fresh validation run."""
    report = validate(samples=SAMPLES, seed=SEED)
    found = report["leave_one_source_out"]["margins_all_sources"]
    return {kind: found[kind] for kind in (*ERROR_KINDS, "all") if found.get(kind) is not None}


def write(path: Path) -> None:
    """Write the margins file atomically (a temporary file, then a rename), with how it was made."""
    found = compute()
    made = provenance()
    lines = [
        "# The model's error on published measurements: ln of the factor by which each kind's",
        "# p5..p95 is widened (conformal margins calibrated on every source; see",
        "# inferonomics.fidelity.model_error). Written by `python -m inferonomics.fidelity.model_error`",
        f"# on {datetime.date.today().isoformat()} ({SAMPLES} samples a case, seed {SEED}; "
        f"inferonomics {made.get('inferonomics', '?')}).",
        "",
        "[margins]",
    ] + [f"{kind} = {value!r}" for kind, value in found.items()]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main() -> None:  # pragma: no cover - a maintainer's tool; tests check the file it writes
    path = Path(__file__).resolve().parents[1] / "data" / DATA_FILE
    write(path)
    print(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
