"""Versions of the package and of the contracts its outputs depend on, recorded in every result.

* :data:`SCHEMA_VERSION`: the layout of results, tables and JSON (which columns exist, their names
  and units, as :mod:`inferonomics.model.registry` defines them). Raised when a column is renamed,
  removed or changes meaning; adding a metric raises it too, since readers may check for columns.
* :data:`STREAM_VERSION`: the random-number contract (:mod:`inferonomics.sampling.rng` and each input's
  ``Parameter.stream``). Raised only when the same seed would give different samples; adding an
  input on a new stream does not change it.
"""

from __future__ import annotations

__version__ = "0.1.0"

SCHEMA_VERSION = 4
"""1: the first release; 2: outputs from the metric registry, ``water_l_per_mtok`` added;
3: the ``non_finite`` infeasibility reason, distribution-valued sweep axes as structured columns
(``PATH.dist``, ``PATH.low``, ...), xarray with ``quantile`` and ``stat`` dimensions; 4: the cost
parts (``rental``/``capital``/``hosting``/``energy_usd_per_mtok``) and the quality metrics
(``usd_per_request``, ``usd_per_success``, ``net_value_usd_per_request``)."""
STREAM_VERSION = 1
"""1: SplitMix64 counter stream, stream ids frozen at their first-release positions."""


def provenance() -> dict[str, object]:
    """What a saved result records about how it was made."""
    return {"inferonomics": __version__, "schema_version": SCHEMA_VERSION,
            "stream_version": STREAM_VERSION}


__all__ = ["SCHEMA_VERSION", "STREAM_VERSION", "__version__", "provenance"]
