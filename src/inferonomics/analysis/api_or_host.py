"""Call an API or host the model: a month's bill each way for the same demand, as paired
distributions (issue 12, part 3).

Per sample (the replica's uncertain inputs, the API's price and the demand drawn together, with
the same seed: common random numbers):

* self-hosting pays for whole replicas, every hour of the month, in the scenario's cost mode: a
  replica serves at most ``C = tokens_per_s x utilization x seconds per month`` output tokens (the
  scenario's ``deployment.utilization`` is the share of its time a replica can be kept busy), so a
  demand of ``V_out`` output tokens needs ``n = ceil(V_out / C)`` replicas (at least one: volume
  below one replica's capacity still pays for the idle replica). One replica-month costs
  ``R = usd_per_mtok x C / 10^6`` (the model's cost per token at that utilisation already charges
  the idle hours), the month ``n x R``;
* the API charges its list prices per token: ``(V_in x ((1 - h) x p_in + h x p_cache) + V_out x
  p_out) / 10^6`` for a cache-hit share ``h``.

The API costs ``a`` per output token whatever the volume, self-hosting ``n x R``: one replica beats
the API once ``a x V_out > R``, so the break-even volume is ``R / a`` output tokens a month
(reported in input plus output tokens, the unit of ``demand.tokens_per_month``), provided
``R / a`` is below one replica's capacity; otherwise the API is cheaper at every volume. Above the
break-even, self-hosting is cheaper except just past each multiple of ``C``, where a new replica
starts nearly idle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..api import simulate
from ..cores import backends
from ..cores.backends import MAX_SAMPLES
from ..io.api_offer import ApiOffer, parse_api
from ..io.checks import integer_argument
from ..io.demand import SECONDS_PER_MONTH, Demand
from ..io.scenario import Scenario, load_scenario
from ..model.reference import STATUS_OK, TOKENS_PER_MTOK
from ..sampling.columns import sample_keys
from ..sampling.rng import DEFAULT_SEED, SeedLike, normalize_seed
from ..stats.describe import statistics
from .prefill_pool import refuse_prefill_pool

DEFAULT_API_SAMPLES = 20_000
UNITS = {"api_usd_per_month": "USD/month", "self_host_usd_per_month": "USD/month",
         "saving_usd_per_month": "USD/month", "replicas": "replicas", "devices": "devices",
         "tokens_per_month": "tokens/month", "output_tokens_per_month": "tokens/month",
         "break_even_tokens_per_month": "tokens/month",
         "api_usd_per_mtok": "USD/Mtok output", "self_host_usd_per_mtok": "USD/Mtok output",
         "replica_usd_per_month": "USD/month", "replica_output_tokens_per_month": "tokens/month",
         "replica_utilization": "fraction"}


@dataclass
class ApiComparison:
    """Per sample (NaN where the replica could not run): the month's bill each way and what
    explains it."""

    scenario: Scenario
    samples: int
    seed: int
    backend: str
    offer: ApiOffer
    demand: Demand
    price_basis: str
    values: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def feasible(self) -> np.ndarray:
        return np.isfinite(self.values["self_host_usd_per_month"])

    def p_self_host_cheaper(self) -> float | None:
        """P(self-hosting's month costs less than the API's), over the feasible samples; None
        when no sample is feasible."""
        ok = self.feasible
        if not ok.any():
            return None
        v = self.values
        return float(np.mean(v["self_host_usd_per_month"][ok] < v["api_usd_per_month"][ok]))

    def to_dict(self) -> dict[str, Any]:
        """The ``api --json`` object."""
        be = self.values["break_even_tokens_per_month"]
        ok = self.feasible
        stats = {k: statistics(v) for k, v in self.values.items() if k != "break_even_tokens_per_month"}
        return {
            "scenario": self.scenario.name, "samples": self.samples, "seed": self.seed,
            "backend": self.backend, "price_basis": self.price_basis,
            "api": {**self.offer.to_dict(), "basis": self.offer.basis()},
            "demand": self.demand.to_dict(),
            "feasible_share": float(ok.mean()),
            "p_self_host_cheaper": self.p_self_host_cheaper(),
            "break_even_tokens_per_month": {
                "share_with_break_even": float(np.isfinite(be[ok]).mean()) if ok.any() else 0.0,
                **(statistics(be[np.isfinite(be)]) or {})},
            **stats, "units": dict(UNITS)}


def break_even_volume(replica_month, capacity, api_per_output_token, total_per_output_token):
    """The monthly volume (input plus output tokens) above which one replica costing
    ``replica_month`` USD a month beats an API charging ``api_per_output_token`` USD per output
    token (its input included); inf where the API costs less than even a fully used replica (of
    ``capacity`` output tokens a month)."""
    with np.errstate(all="ignore"):
        one_replica_pays = replica_month / api_per_output_token     # output tokens a month
        return np.where(one_replica_pays < capacity,
                        one_replica_pays * total_per_output_token, np.inf)


def api_offer_of(scenario: Scenario) -> ApiOffer:
    """The scenario's ``[api]``, or without one the price book's offers for its catalog model."""
    offer = scenario.analysis.get("api")
    if offer is None:
        model_id = scenario.values.get("model.id")
        offer = parse_api(None, model_id if isinstance(model_id, str) else None)
    return offer


def api_or_self_host(scenario: Scenario | Mapping | str, samples: int = DEFAULT_API_SAMPLES,
                     seed: SeedLike = DEFAULT_SEED, *, backend: str = "auto",
                     threads: int | None = None) -> ApiComparison:
    """A month of ``scenario``'s ``[demand]`` served by the ``[api]`` it names (or, without one,
    by the providers listing its catalog model) against self-hosting it on its hardware in its
    cost mode (see the module's docstring for the formulas).

    Parameters
    ----------
    scenario : Scenario, dict or path
        A scenario without sweep axes, with a ``[demand]`` section.
    samples : int
        Monte Carlo samples (each is kept: about 1 kB per sample).
    seed, backend, threads
        As in :func:`~inferonomics.simulate`.
    """
    scenario = load_scenario(scenario).one_configuration("api")
    refuse_prefill_pool(scenario.resolve(), "api")
    demand = scenario.demand()
    offer = api_offer_of(scenario)
    seed = normalize_seed(seed)
    samples = integer_argument("samples", samples, 1, MAX_SAMPLES)
    threads = backends.check_threads(threads)
    run = simulate(scenario, samples, seed, backend=backend, threads=threads, keep_samples=True)
    x, y = run._table.inputs, run._table.outputs
    ok = y["status"] == STATUS_OK
    keys = sample_keys(seed, samples)
    p_in, p_out, p_cache = offer.draw(keys)
    v_in, v_out, hit = demand.draw(keys, x["input_tokens"], x["output_tokens"])

    api = (v_in * ((1.0 - hit) * p_in + hit * p_cache) + v_out * p_out) / TOKENS_PER_MTOK
    with np.errstate(all="ignore"):
        capacity = np.where(ok, y["tokens_per_s"] * x["utilization"] * SECONDS_PER_MONTH, np.nan)
        replica_month = y["usd_per_mtok"] * capacity / TOKENS_PER_MTOK
        replicas = np.maximum(1.0, np.ceil(v_out / capacity))
        host = replicas * replica_month
        break_even = break_even_volume(replica_month, capacity, api / v_out, (v_in + v_out) / v_out)
    result = ApiComparison(scenario, samples, seed, run.backend, offer, demand, run.plan.price_basis)
    # Samples the replica cannot run are left out on both sides, so the two bills stay paired.
    result.values = {k: np.where(ok, v, np.nan) for k, v in {
        "api_usd_per_month": api,
        "self_host_usd_per_month": host,
        "saving_usd_per_month": api - host,
        "replicas": replicas,
        "replica_usd_per_month": replica_month,
        "replica_output_tokens_per_month": capacity,
        "devices": replicas * x["count"],
        "replica_utilization": v_out / (replicas * capacity) * x["utilization"],
        "tokens_per_month": v_in + v_out,
        "output_tokens_per_month": v_out,
        "api_usd_per_mtok": api / v_out * TOKENS_PER_MTOK,
        "self_host_usd_per_mtok": host / v_out * TOKENS_PER_MTOK,
        "break_even_tokens_per_month": break_even,
    }.items()}
    return result


__all__ = ["ApiComparison", "api_offer_of", "api_or_self_host", "break_even_volume", "DEFAULT_API_SAMPLES"]
