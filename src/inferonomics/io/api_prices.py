"""API token prices: a dated extract of the ``genai-prices`` snapshot (``data/api_prices.toml``,
written by ``tools/refresh_api_prices.py``), USD per million tokens per provider/model."""

from __future__ import annotations

import re
import statistics
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import ScenarioError


@dataclass(frozen=True)
class ApiPrice:
    """One provider's list price of one model, USD per million tokens (``cache_read``: cached
    input read, None where not billed)."""

    id: str              # "provider/model"
    provider: str
    name: str
    input: float
    output: float
    cache_read: float | None = None
    deprecated: bool = False


@lru_cache(maxsize=None)
def _table() -> dict:
    with resources.files("inferonomics.data").joinpath("api_prices.toml").open("rb") as f:
        return tomllib.load(f)


def source() -> dict[str, str]:
    """Where the prices come from: package, extraction date, licence."""
    return dict(_table()["source"])


@lru_cache(maxsize=None)
def api_prices() -> dict[str, ApiPrice]:
    return {key: ApiPrice(key, entry["provider"], entry["name"], float(entry["input"]),
                          float(entry["output"]), entry.get("cache_read"),
                          bool(entry.get("deprecated", False)))
            for key, entry in _table().items() if key != "source"}


def _tokens(text: str) -> list[str]:
    """Lower-case runs of letters and runs of digits: ``Meta-Llama-3.3-70B`` and ``llama3_3-70b``
    both give llama, 3, 3, 70, b."""
    return re.findall(r"[a-z]+|[0-9]+", text.lower())


def _contains(tokens: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(tokens[i:i + n] == needle for i in range(len(tokens) - n + 1))


def matching(query: str, *, include_deprecated: bool = False) -> list[ApiPrice]:
    """Entries for ``query``: exactly ``provider/model`` when it names one, else every entry whose
    model name (after the provider) holds the query's tokens in a row: ``llama-3.3-70b`` gives
    every provider serving Llama 3.3 70B (fine-tunes named after it too), ``gpt-4.1`` does not
    give ``gpt-4-1106-preview``."""
    if not isinstance(query, str) or not query.strip():
        raise ScenarioError("model", f"must be a model name, got {query!r}")
    table = api_prices()
    if query in table:
        return [table[query]]
    needle = _tokens(query)
    return [p for key, p in table.items()
            if _contains(_tokens(key.split("/", 1)[1]), needle)
            and (include_deprecated or not p.deprecated)]


def spread(prices: list[ApiPrice]) -> dict[str, dict[str, float]]:
    """min, median and max across providers of input and output prices."""
    out = {}
    for side in ("input", "output"):
        values = [getattr(p, side) for p in prices]
        out[side] = {"min": min(values), "median": statistics.median(values), "max": max(values)}
    return out


__all__ = ["ApiPrice", "api_prices", "matching", "source", "spread"]
