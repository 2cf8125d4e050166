"""``[api]``: what calling a hosted API charges for the scenario's model (issue 12, part 3).

Either a model the API price book lists (``model = "groq/llama-3.3-70b-versatile"``: that provider's
prices; ``model = "llama-3.3-70b"``: every provider that serves it, one drawn per sample, so the
price is the spread of the market), or the prices themselves as numbers or distributions
(``input_usd_per_mtok``, ``output_usd_per_mtok``, optional ``cache_read_usd_per_mtok``, USD per
million tokens). Without ``[api]``, the scenario's catalog model id is looked up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ScenarioError, suggest
from ..model.registry import ANALYSIS_PARAMETER_BY_PATH, API_PROVIDER_STREAM
from ..sampling.columns import draw_column, uniform_grid
from ..sampling.distributions import Distribution
from . import api_prices
from .checks import describe
from .values import parse_single, section_table

PRICE_KEYS = ("input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok")
API_KEYS = ("model",) + PRICE_KEYS


@dataclass(frozen=True)
class ApiOffer:
    """An API's prices, USD per million tokens: ``entries`` from the price book (one drawn per
    sample, all equally likely), or the distributions ``prices`` (input, output, cache read;
    cache read None: billed as input)."""

    model: str | None
    entries: tuple[api_prices.ApiPrice, ...] = ()
    prices: tuple[Distribution, Distribution, Distribution | None] | None = None

    def draw(self, keys: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Input, output and cache-read prices for each sample key (USD per million tokens)."""
        if self.prices is not None:
            p_in, p_out, p_cache = self.prices
            streams = [ANALYSIS_PARAMETER_BY_PATH[f"api.{k}"].stream for k in PRICE_KEYS]
            x_in = draw_column(p_in, streams[0], keys)
            x_out = draw_column(p_out, streams[1], keys)
            x_cache = x_in if p_cache is None else draw_column(p_cache, streams[2], keys)
            return x_in, x_out, x_cache
        table = np.array([(e.input, e.output, e.input if e.cache_read is None else e.cache_read)
                          for e in self.entries])
        if len(self.entries) == 1:
            return tuple(np.full(len(keys), v) for v in table[0])
        pick = _pick(len(self.entries), keys)
        return table[pick, 0], table[pick, 1], table[pick, 2]

    def to_dict(self) -> dict[str, Any]:
        """The prices used, with their source and date (``api --json``'s ``"api"``)."""
        if self.prices is not None:
            return {"model": self.model, "given": {
                k: _describe(d) for k, d in zip(PRICE_KEYS, self.prices) if d is not None}}
        return {"model": self.model, "source": api_prices.source(),
                "providers": len(self.entries),
                "spread": api_prices.spread(list(self.entries)),
                "entries": {e.id: {"input": e.input, "output": e.output,
                                   "cache_read": e.cache_read} for e in self.entries}}

    def basis(self) -> str:
        """One line: where the prices come from."""
        if self.prices is not None:
            return "API prices given in the scenario"
        origin = api_prices.source()
        who = (f"{self.entries[0].id}" if len(self.entries) == 1 else
               f"{self.model}: {len(self.entries)} provider offers, one drawn per sample")
        return f"{who} ({origin['package']}, extracted {origin['extracted']})"


def _describe(dist: Distribution) -> dict[str, Any]:
    return {"median": dist.median(), "support": list(dist.support())}


def _pick(n: int, keys: list[int]) -> np.ndarray:
    """Which of ``n`` equally likely offers each sample takes: floor(u x n), u from the provider
    stream."""
    u = uniform_grid(keys, API_PROVIDER_STREAM, 1)[:, 0]
    return np.minimum((u * n).astype(np.int64), n - 1)


def parse_api(table: Any, model_id: str | None) -> ApiOffer:
    """Check ``[api]`` (None when the scenario has none) and return its offer. ``model_id`` is the
    scenario's catalog model id, the model looked up when ``[api]`` names neither model nor prices."""
    table = section_table("api", table, API_KEYS)
    given = [k for k in PRICE_KEYS if k in table]
    if "model" in table and given:
        raise ScenarioError(f"api.{given[0]}", "give the API's model (prices from the price book) "
                            "or its prices, not both")
    if given:
        for key in PRICE_KEYS[:2]:
            if key not in table:
                raise ScenarioError(f"api.{key}", "missing: explicit API prices need "
                                    "input_usd_per_mtok and output_usd_per_mtok")
        dists = [parse_single(f"api.{k}", table[k], ANALYSIS_PARAMETER_BY_PATH[f"api.{k}"])
                 if k in table else None for k in PRICE_KEYS]
        return ApiOffer(None, prices=tuple(dists))
    query = table.get("model", model_id)
    if query is None:
        raise ScenarioError("api.model", "missing: name the API's model (inferonomics catalog "
                            "apis lists them) or give input_usd_per_mtok and output_usd_per_mtok")
    if not isinstance(query, str) or not query.strip():
        raise ScenarioError("api.model", f"must be a model name, got {describe(query)}")
    entries = api_prices.matching(query)
    if not entries:
        names = sorted({p.id.split("/", 1)[1].lower() for p in api_prices.api_prices().values()})
        where = "api.model" if "model" in table else "api.model (taken from model.id)"
        raise ScenarioError(where, f"no API price for a model matching {query!r}"
                            f"{suggest(query.lower(), names)}; inferonomics catalog apis lists them")
    return ApiOffer(query, entries=tuple(entries))


__all__ = ["ApiOffer", "parse_api", "API_KEYS"]
