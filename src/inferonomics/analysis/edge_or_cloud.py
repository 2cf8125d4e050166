"""Edge or cloud: what one request costs, how long its first token takes and how much energy it
draws on a device the user owns against a cloud replica and an API, as paired distributions
(issue 12, part 4).

The edge scenario and the cloud scenario are simulated with the same seed, and the analysis' own
inputs (``[edge]``, ``[network]``, the API's price) are drawn from the same counter-based stream,
so sample ``i`` is the same request on every side (common random numbers; the two scenarios must
give the workload the same prompt and output lengths). Per request of ``I`` input and ``O`` output
tokens, in sample ``i``:

* **edge** (the edge scenario in own mode: a device bought, ``cost.purchase_usd``): the device's
  capital per day ``K`` is the model's own capital cost (the purchase, less the present value of
  any resale, spread over ``deployment.lifetime_years`` at ``cost.cost_of_capital`` by the capital
  recovery factor; straight line when the cost of capital is 0), recovered from its per-token figure
  as ``capital_usd_per_mtok / 10^6 x tokens_per_s x utilization x 86,400 s``. A share ``s``
  (``edge.share_of_use``) of it is charged to the ``r`` requests a day (``edge.requests_per_day``):
  ``K s / r`` per request. Energy per request: the request's own ``joules_per_token x O`` (the
  device serving, at the edge scenario's ``energy.pue``: 1 unless given, as ``host_w`` is 0), plus its share of the day's
  idling, ``(idle_w + host_w) x count x PUE x`` the seconds of the day the device does not serve,
  ``x s / r``: a device kept on for these requests draws its idle power between them. Priced at
  ``edge.usd_per_kwh``. Hosting, colocation and the model's electricity are not charged (a device
  at home or in an office has none of them), so the edge scenario may not give them, nor a
  ``deployment.utilization`` (the busy share follows from ``r``). The device serves at most
  ``tokens_per_s x 86,400 / O`` requests a day; a sample asking for more is infeasible.
* **cloud, self-hosted** (the cloud scenario in its own cost mode): ``usd_per_mtok x O / 10^6``
  (the model's cost per token at the scenario's utilisation, idle hours included), plus data
  transfer out, ``O x network.bytes_per_token / 10^9 x network.usd_per_gb`` (transfer in is free
  at the clouds priced). Its first token reaches the user ``ttft_s + network.rtt_ms / 1000`` after
  the request; energy per request ``joules_per_token x O`` (the facility's, PUE included).
* **API** (the cloud scenario's ``[api]``, or the API price book's offers for its model):
  ``(I x p_in + O x p_out) / 10^6``; the provider's latency and energy are not known.

Break-even requests a day: with ``W`` a day's idle energy cost at no load and ``e`` a request's
active energy cost, the edge costs ``(K + W) s / r - W s / C + e`` per request at ``r`` requests a
day (``C``: its capacity), falling with ``r``; against an option costing ``c`` per request the two
meet at ``r* = (K + W) s / (c - e + W s / C)``, above which the edge is cheaper. There is none
(infinity) when ``r*`` would be more than the device can serve in a day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..api import simulate
from ..cores import backends
from ..cores.backends import MAX_SAMPLES
from ..errors import ScenarioError
from ..io import api_prices
from ..io.api_offer import ApiOffer, parse_api
from ..io.checks import integer_argument
from ..io.edge import AnalysisSection, combined
from ..io.scenario import Scenario, load_scenario
from ..model.reference import JOULES_PER_KWH, STATUS_OK, TOKENS_PER_MTOK
from ..sampling.columns import sample_keys
from ..sampling.rng import DEFAULT_SEED, SeedLike, normalize_seed
from ..stats.describe import statistics
from .prefill_pool import refuse_prefill_pool

DEFAULT_EDGE_SAMPLES = 20_000
SECONDS_PER_DAY = 86_400.0
BYTES_PER_GB = 1e9
MS_PER_S = 1000.0
OPTIONS = ("cloud", "api")
"""What the edge is set against: the cloud scenario self-hosted, and the API."""
NOT_AT_THE_EDGE = ("usd_per_kwh", "hosting_usd_per_device_hour", "colocation_usd_per_kw_month",
                   "provisioned_kw")
"""Cost keys an edge scenario may not give: the edge pays its purchase and its electricity at
edge.usd_per_kwh, nothing else."""
SAME_REQUESTS = ("input_tokens", "output_tokens")
UNITS = {
    "edge_usd_per_request": "USD", "edge_capital_usd_per_request": "USD",
    "edge_energy_usd_per_request": "USD", "cloud_usd_per_request": "USD",
    "cloud_network_usd_per_request": "USD", "api_usd_per_request": "USD",
    "edge_ttft_s": "s", "cloud_ttft_s": "s",
    "edge_joules_per_request": "J", "cloud_joules_per_request": "J",
    "edge_requests_per_day_max": "1/day", "edge_busy_fraction": "fraction",
    "break_even_requests_per_day_cloud": "1/day", "break_even_requests_per_day_api": "1/day",
}
BREAK_EVEN = {option: f"break_even_requests_per_day_{option}" for option in OPTIONS}


@dataclass
class EdgeOrCloud:
    """Per sample (NaN where the edge device or the cloud replica cannot serve it): the cost, time
    to first token and energy of one request on each side, and the break-even requests a day."""

    edge: Scenario
    cloud: Scenario
    samples: int
    seed: int
    backend: str
    price_basis: dict[str, str]
    sections: dict[str, AnalysisSection]
    offer: ApiOffer | None
    api_skipped: str | None = None
    infeasible: dict[str, int] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def feasible(self) -> np.ndarray:
        return np.isfinite(self.values["edge_usd_per_request"])

    def p_edge_cheaper(self, option: str) -> float | None:
        """P(a request costs less at the edge than on ``option``: "cloud" or "api"), over the
        feasible samples; None without that option or a feasible sample."""
        key = f"{option}_usd_per_request"
        ok = self.feasible
        if key not in self.values or not ok.any():
            return None
        return float(np.mean(self.values["edge_usd_per_request"][ok] < self.values[key][ok]))

    def to_dict(self) -> dict[str, Any]:
        """The ``edge --json`` object."""
        ok = self.feasible
        out: dict[str, Any] = {
            "edge": {"scenario": self.edge.name, "price_basis": self.price_basis["edge"]},
            "cloud": {"scenario": self.cloud.name, "price_basis": self.price_basis["cloud"]},
            "samples": self.samples, "seed": self.seed, "backend": self.backend,
            "api": None if self.offer is None else {**self.offer.to_dict(),
                                                    "basis": self.offer.basis()},
            "api_skipped": self.api_skipped,
            "inputs": {s: section.to_dict() for s, section in self.sections.items()},
            "feasible_share": float(ok.mean()), "infeasible": dict(self.infeasible),
            "p_edge_cheaper": {o: self.p_edge_cheaper(o) for o in OPTIONS
                               if f"{o}_usd_per_request" in self.values},
        }
        for option, key in BREAK_EVEN.items():
            if key in self.values:
                be = self.values[key]
                out[key] = {"share_with_break_even": float(np.isfinite(be[ok]).mean()) if ok.any()
                            else 0.0, **(statistics(be[np.isfinite(be)]) or {})}
        out.update({k: statistics(v) for k, v in self.values.items() if k not in BREAK_EVEN.values()})
        out["units"] = {k: u for k, u in UNITS.items() if k in self.values}
        return out


EDGE_ENERGY_DEFAULTS = {"energy.pue": 1.0, "energy.host_w": 0.0}
"""A device at home or in an office has no data-centre cooling (PUE 1) and no server host around
it (its rated power covers its own CPU and memory): the registry's data-centre defaults (PUE
1.08-1.58, host power 0.2-0.8 x TDP) would be drawn all day by the idle term. Given values win."""


def _at_the_edge(edge: Scenario) -> Scenario:
    """The edge scenario with :data:`EDGE_ENERGY_DEFAULTS` for the energy keys it leaves out."""
    missing = {k: v for k, v in EDGE_ENERGY_DEFAULTS.items() if k not in edge.values}
    return edge.with_values(missing) if missing else edge


def _check_pair(edge: Scenario, cloud: Scenario) -> None:
    """The two scenarios describe one request each way: no sweep axes, the same prompt and output
    lengths, and an edge device that is bought and pays nothing but its purchase and electricity."""
    for side, s in (("edge", edge), ("cloud", cloud)):
        if s.axes:
            raise ScenarioError(s.axes[0].path, f"the {side} scenario has a sweep axis; edge "
                                "compares one configuration each side (fix it with --set)")
    plans = edge.resolve(), cloud.resolve()
    # The edge device's idle power counts its hardware.count; the cloud side is per request.
    refuse_prefill_pool(plans[0], "edge (its device side)")
    for name in SAME_REQUESTS:
        if plans[0][name] != plans[1][name]:
            raise ScenarioError(f"workload.{name}", "differs between the edge and the cloud "
                                "scenario; both must serve the same requests (give the same "
                                "distribution in both)")
    if plans[0].cost_mode != "own":
        raise ScenarioError("cost.mode", f"the edge device must be bought (own mode: "
                            f"cost.purchase_usd, or a device with a purchase price in the book); "
                            f"the edge scenario is in {plans[0].cost_mode} mode")
    if "deployment.utilization" in edge.values:
        raise ScenarioError("deployment.utilization", "not used at the edge: the share of the day "
                            "the device serves follows from edge.requests_per_day")
    for key in NOT_AT_THE_EDGE:
        if f"cost.{key}" in edge.values:
            hint = ("give the edge's electricity price as edge.usd_per_kwh" if key == "usd_per_kwh"
                    else "the edge pays its purchase and its electricity only")
            raise ScenarioError(f"cost.{key}", f"not charged at the edge: {hint}")


def _api_offer(edge: Scenario, cloud: Scenario) -> tuple[ApiOffer | None, str | None]:
    """The API the cloud side calls: ``[api]`` of either scenario (both only alike), else the price
    book's offers for the cloud's catalog model; None with the reason when there is none."""
    offers = [s.analysis["api"] for s in (cloud, edge) if s.analysis.get("api") is not None]
    if len(offers) == 2 and offers[0] != offers[1]:
        raise ScenarioError("api", "given differently in the edge and the cloud scenario; give it "
                            "once")
    if offers:
        return offers[0], None
    model_id = cloud.values.get("model.id")
    if isinstance(model_id, str) and api_prices.matching(model_id):
        return parse_api(None, model_id), None
    return None, (f"no [api] section and the API price book has no offer for {model_id!r}"
                  if isinstance(model_id, str) else "no [api] section and an inline model")


def edge_or_cloud(edge: Scenario | Mapping | str, cloud: Scenario | Mapping | str,
                  samples: int = DEFAULT_EDGE_SAMPLES, seed: SeedLike = DEFAULT_SEED, *,
                  backend: str = "auto", threads: int | None = None) -> EdgeOrCloud:
    """One request served at the edge (``edge``: a bought device, its ``[edge]`` use) against the
    cloud (``cloud``: a replica in its cost mode, across its ``[network]``) and an API (see the
    module's docstring for the formulas).

    Parameters
    ----------
    edge, cloud : Scenario, dict or path
        Scenarios without sweep axes with the same workload lengths. ``[edge]`` (with
        ``requests_per_day``) and ``[network]`` may sit in either (in both only alike).
    samples : int
        Monte Carlo samples (each is kept: about 2 kB per sample).
    seed, backend, threads
        As in :func:`~inferonomics.simulate`; both scenarios run with the same seed.
    """
    edge, cloud = load_scenario(edge), load_scenario(cloud)
    _check_pair(edge, cloud)
    edge = _at_the_edge(edge)
    sections = {s: combined(s, edge.analysis.get(s), cloud.analysis.get(s))
                for s in ("edge", "network")}
    offer, api_skipped = _api_offer(edge, cloud)
    seed = normalize_seed(seed)
    samples = integer_argument("samples", samples, 1, MAX_SAMPLES)
    threads = backends.check_threads(threads)
    runs = {side: simulate(s, samples, seed, backend=backend, threads=threads, keep_samples=True)
            for side, s in (("edge", edge), ("cloud", cloud))}
    (xe, ye), (xc, yc) = ((r._table.inputs, r._table.outputs) for r in runs.values())
    keys = sample_keys(seed, samples)
    d = {**sections["edge"].draw(keys), **sections["network"].draw(keys)}
    n_in, n_out = xc["input_tokens"], xc["output_tokens"]   # the edge's, by the check above

    with np.errstate(all="ignore"):
        # The device's capital per day, from the model's per-token figure (one formula, the model's).
        capital_per_day = (ye["capital_usd_per_mtok"] / TOKENS_PER_MTOK * ye["tokens_per_s"]
                           * xe["utilization"] * SECONDS_PER_DAY)
        capacity = ye["tokens_per_s"] * SECONDS_PER_DAY / n_out
        # Between requests the device idles, drawing its idle (and host) power: a day of idling
        # is a fixed cost like the capital, less the share of the day spent serving.
        idle_w = (xe["idle_w"] + xe["host_w"]) * xe["count"] * xe["pue"]
        idle_j_per_day = idle_w * SECONDS_PER_DAY * (1.0 - d["requests_per_day"] / capacity)
        idle_usd_at_no_load = (idle_w * SECONDS_PER_DAY / JOULES_PER_KWH * d["usd_per_kwh"]
                               * d["share_of_use"])
        charged_per_day = capital_per_day * d["share_of_use"]
        active_joules = ye["joules_per_token"] * n_out
        edge_joules = active_joules + idle_j_per_day * d["share_of_use"] / d["requests_per_day"]
        active_usd = active_joules / JOULES_PER_KWH * d["usd_per_kwh"]
        edge_energy_usd = edge_joules / JOULES_PER_KWH * d["usd_per_kwh"]
        edge_capital_usd = charged_per_day / d["requests_per_day"]
        cloud_network_usd = n_out * d["bytes_per_token"] / BYTES_PER_GB * d["usd_per_gb"]
        # The model's own cost of a request (its attempts included), plus the transfer out.
        per_request = {"cloud": yc["usd_per_request"] + cloud_network_usd}
        if offer is not None:
            p_in, p_out, _ = offer.draw(keys)
            per_request["api"] = (n_in * p_in + n_out * p_out) / TOKENS_PER_MTOK
        values = {
            "edge_usd_per_request": edge_capital_usd + edge_energy_usd,
            "edge_capital_usd_per_request": edge_capital_usd,
            "edge_energy_usd_per_request": edge_energy_usd,
            **{f"{o}_usd_per_request": c for o, c in per_request.items()},
            "cloud_network_usd_per_request": cloud_network_usd,
            "edge_ttft_s": ye["ttft_s"],
            "cloud_ttft_s": yc["ttft_s"] + d["rtt_ms"] / MS_PER_S,
            "edge_joules_per_request": edge_joules,
            "cloud_joules_per_request": yc["joules_per_token"] * n_out,
            "edge_requests_per_day_max": capacity,
            "edge_busy_fraction": d["requests_per_day"] / capacity,
        }
        # The edge costs (K + W) s / r - W s / capacity + e per request at r requests a day (K:
        # capital, W: a day's idle energy at no load, s: share of use, e: a request's active
        # energy); it meets an option costing c at r* = (K + W) s / (c - e + W s / capacity),
        # which lies within the device's capacity exactly when K s / capacity + e <= c.
        fixed_per_day = charged_per_day + idle_usd_at_no_load
        for option, c in per_request.items():
            margin = c - active_usd + idle_usd_at_no_load / capacity
            r_star = fixed_per_day / margin
            values[BREAK_EVEN[option]] = np.where((margin > 0) & (r_star <= capacity),
                                                  r_star, np.inf)

    edge_ok = ye["status"] == STATUS_OK
    over = edge_ok & (d["requests_per_day"] > capacity)
    cloud_ok = yc["status"] == STATUS_OK
    ok = edge_ok & ~over & cloud_ok
    result = EdgeOrCloud(edge, cloud, samples, seed, runs["edge"].backend,
                         {side: r.plan.price_basis for side, r in runs.items()}, sections, offer,
                         api_skipped,
                         infeasible={"edge": int((~edge_ok).sum()), "edge_over_capacity": int(over.sum()),
                                     "cloud": int((~cloud_ok).sum())})
    # A sample either side cannot serve is left out on every side, so the sides stay paired.
    result.values = {k: np.where(ok, v, np.nan) for k, v in values.items()}
    return result


__all__ = ["EdgeOrCloud", "edge_or_cloud", "DEFAULT_EDGE_SAMPLES", "UNITS"]
