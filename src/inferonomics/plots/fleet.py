"""Charts of a fleet through time (:func:`~inferonomics.fleet.through_time.fleet`): demand against
the capacity each policy provisions, step by step; each policy's monthly bill against its SLO
attainment; and the Pareto front of cost and attainment over several settings.

Costs are USD a mean month (730.5 h); SLO attainment is the share of the horizon's requests whose
TTFT and TPOT meet the targets, drawn on a logit axis (99 %, 99.9 %, 99.99 % equally spaced), so a
policy that misses one request in a thousand is told from one that misses one in a hundred."""

from __future__ import annotations

import math

import numpy as np

from ..errors import ScenarioError
from ..model.reference import SECONDS_PER_HOUR
from .figure import finish, label_point, new_figure

SECONDS_PER_DAY = 24 * SECONDS_PER_HOUR
DAYS_FROM_HOURS = 72.0
"""A horizon longer than this many hours is drawn in days."""
MAX_CHART_STEPS = 3000
"""More steps than this are averaged in bins of whole steps (a round duration where one fits),
each sample's trace before the quantiles (a year of 5-minute steps would draw 105,120 points a
line)."""
SHORT_STRIP = 0.035
"""Height (share of the axes) of the strip that marks steps where capacity falls short."""
STRIP_BINS = 400
"""At most this many marks along the strip (about 3 px each on the chart): a horizon of more steps
is marked in bins of whole steps, a bin red when any of its steps is short."""
POLICY_COLORS = {"static": "tab:blue", "reactive": "tab:orange", "scheduled": "tab:green"}
POLICY_MARKERS = {"static": "s", "reactive": "o", "scheduled": "D"}
DEMAND_COLOR = "black"
CAPACITY_COLOR = "tab:blue"
SHORT_COLOR = "tab:red"
FRONT_COLOR = "tab:red"
TOP_MISS = 1e-6
"""The highest attainment a logit axis shows is 1 - this (99.9999 %): a sample meeting every
target (1.0, infinitely far up a logit axis) is drawn there."""


# --- fleet_chart ----------------------------------------------------------------------------------

def fleet_chart(result, path=None):
    """One panel per policy of a :class:`~inferonomics.fleet.through_time.FleetResult`, on a shared
    time axis (hours, or days when the horizon is over 3 days): the demand (requests/s, black) and
    the serving capacity the policy provisions (requests/s, blue: the replicas serving, starting
    ones left out, times that sample's SLO rate, the requests/s one replica serves within the
    latency targets), each as the median across the traced samples with their p5-p95 band. A red
    strip along the bottom marks the steps where capacity is below demand in at least one traced
    sample, sample by sample (the medians are of different samples, so they cannot show it). In
    each panel's corner: the policy's monthly cost (USD/month) p50 [p5, p95], its SLO attainment
    p50 and its mean and peak replicas p50, over every sample (not only the traced ones)."""
    policies = list(result.values)
    settings = result.settings
    hours = settings.horizon_s / SECONDS_PER_HOUR
    in_days = hours > DAYS_FROM_HOURS
    unit_s = SECONDS_PER_DAY if in_days else SECONDS_PER_HOUR
    traced = _traced_count(result)
    fig, axes = new_figure(len(policies), 1, figsize=(10.5, 1.3 + 2.7 * len(policies)))
    axes = list(np.atleast_1d(axes).ravel())
    for ax in axes[1:]:
        ax.sharex(axes[0])
        ax.sharey(axes[0])
    top, line_bin_s, mark_bin_s = 0.0, 0.0, 0.0
    for ax, name in zip(axes, policies):
        drawn, line_bin, mark_bin = _fleet_panel(ax, result, name, unit_s)
        top, line_bin_s, mark_bin_s = max(top, drawn), max(line_bin_s, line_bin), \
            max(mark_bin_s, mark_bin)
        ax.set_ylabel("requests/s")
        ax.grid(alpha=0.3)
        ax.set_title(_policy_text(name, result.policies.get(name), settings), fontsize=9)
    for ax in axes:   # one scale, so the policies' capacities compare; room above for the text
        ax.set_ylim(0, top * 1.55 if top > 0 else 1.0)
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    axes[-1].set_xlabel("time since the start of the horizon (" + ("days" if in_days else "hours")
                        + f"; one step is {_duration(settings.step_s)})")
    _time_ticks(axes[-1], settings.horizon_s / unit_s, in_days)
    axes[0].set_xlim(0, settings.horizon_s / unit_s)
    with_legend = next((ax for ax in axes if ax.get_legend_handles_labels()[0]), None)
    if with_legend is not None:
        with_legend.legend(fontsize=7.5, loc="upper right", ncol=2, framealpha=0.9)
    if traced["feasible"]:
        bands = (f"lines: median, bands: p5-p95 across the {traced['feasible']:,} traced samples"
                 + (f" (of {traced['traced']:,} traced; the others do not fit a replica)"
                    if traced["feasible"] != traced["traced"] else "")
                 + (f", each point the mean over {_duration(line_bin_s)}" if line_bin_s else "")
                 + "; red: steps" + (f" ({_duration(mark_bin_s)} bins)" if mark_bin_s else "")
                 + " where capacity < demand in some traced sample")
    else:
        bands = ("no step-by-step traces to draw (trace_samples=0)" if not traced["traced"]
                 else "no traced sample fits a replica")
    fig.suptitle(f"{result.scenario.name}\nDemand against the serving capacity each policy "
                 f"provisions over {_duration(settings.horizon_s)}; {result.samples:,} samples, "
                 f"seed {result.seed}, cost mode {result.cost_mode}\n{bands}", fontsize=9)
    return finish(fig, path)


def _fleet_panel(ax, result, name: str, unit_s: float) -> tuple[float, float, float]:
    """Draw one policy's panel; return the top of what it drew (requests/s, 0 when nothing), the
    bins (s) its lines are averaged over and its shortfall marks drawn in (0: one a step)."""
    settings = result.settings
    trace = result.traces.get(name)
    n_traced = 0 if trace is None else trace.shape[0]
    ok = np.zeros(0, dtype=bool)
    if n_traced:
        ok = ~np.isnan(result.slo_rate[:n_traced]) & ~np.isnan(trace[:, 0, 0])
    top = line_bin_s = mark_bin_s = 0.0
    if ok.any():
        rate = trace[ok, 0, :].astype(np.float64)
        capacity = trace[ok, 2, :].astype(np.float64) * result.slo_rate[:n_traced][ok, None]
        short = (capacity < rate).mean(axis=0)       # share of traced samples short, per step
        steps = rate.shape[1]
        per = _bin_steps(steps, settings.step_s, MAX_CHART_STEPS)
        if per > 1:
            rate, capacity = _bin_mean(rate, per), _bin_mean(capacity, per)
            line_bin_s = per * settings.step_s
        edges = _edges(rate.shape[1], per * settings.step_s, settings.horizon_s, unit_s)
        for values, color, what, gid in ((rate, DEMAND_COLOR, "demand", "demand"),
                                         (capacity, CAPACITY_COLOR, "serving capacity",
                                          "capacity")):
            lo, mid, hi = np.quantile(values, [0.05, 0.5, 0.95], axis=0)
            band = ax.fill_between(edges, _post(lo), _post(hi), step="post", color=color,
                                   alpha=0.15 if gid == "demand" else 0.22, lw=0,
                                   label=f"{what} p5-p95")
            band.set_gid(f"{gid}-band")
            line, = ax.plot(edges, _post(mid), drawstyle="steps-post", color=color,
                            lw=1.0 if gid == "demand" else 1.2, label=f"{what} median")
            line.set_gid(f"{gid}-median")
            top = max(top, float(np.max(hi)))
        # The strip is drawn in at most STRIP_BINS bins, so a lone short step shows.
        per_mark = _bin_steps(steps, settings.step_s, STRIP_BINS)
        mark_bin_s = per_mark * settings.step_s if per_mark > 1 else 0.0
        marks = _bin_max(short, per_mark)
        mark_edges = _edges(marks.size, per_mark * settings.step_s, settings.horizon_s, unit_s)
        strip = ax.broken_barh(_runs(marks > 0, mark_edges), (0, SHORT_STRIP), color=SHORT_COLOR,
                               alpha=0.8, lw=0, transform=ax.get_xaxis_transform(),
                               label="capacity < demand (some traced sample)")
        strip.set_gid("short-strip")
        worst = float(short.max())
        shortfall = (f"\ncapacity < demand: {_share(np.mean(short > 0), 1)} of steps (some "
                     f"traced sample), at most {_share(worst)} of them at once" if worst > 0
                     else "\ncapacity >= demand at every step in every traced sample")
    else:
        ax.text(0.5, 0.5, "no traced sample fits a replica" if n_traced
                else "no traced samples (trace_samples=0)", transform=ax.transAxes,
                ha="center", va="center", fontsize=9, color="grey")
        shortfall = ""
    box = ax.text(0.01, 0.97, _policy_numbers(result, name) + shortfall, transform=ax.transAxes,
                  ha="left", va="top", fontsize=7.5,
                  bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "0.7", "alpha": 0.9})
    box.set_gid("policy-numbers")
    return top, line_bin_s, mark_bin_s


NICE_BINS_S = (60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 14400, 21600, 43200, 86400,
               2 * 86400, 7 * 86400)


def _bin_steps(steps: int, step_s: float, most: int) -> int:
    """Steps a bin, so that ``steps`` steps make at most ``most`` bins: 1, else the fewest that make
    a round duration (15 min, 2 h, 1 d), else just enough."""
    if steps <= most:
        return 1
    least = math.ceil(steps / most)
    for bin_s in NICE_BINS_S:
        per = bin_s / step_s
        if per >= least and abs(per - round(per)) < 1e-9:
            return round(per)
    return least


def _runs(flags: np.ndarray, edges: np.ndarray) -> list[tuple[float, float]]:
    """(start, width) of each run of consecutive true ``flags``, bin ``i`` spanning
    ``edges[i]``..``edges[i + 1]``."""
    padded = np.concatenate([[False], flags, [False]]).astype(np.int8)
    change = np.flatnonzero(np.diff(padded))
    return [(float(edges[i]), float(edges[j] - edges[i]))
            for i, j in zip(change[::2], change[1::2])]


def _edges(bins: int, bin_s: float, horizon_s: float, unit_s: float) -> np.ndarray:
    """The bins' edges in hours or days (the last clipped to the horizon)."""
    return np.minimum(np.arange(bins + 1) * bin_s, horizon_s) / unit_s


def _post(values: np.ndarray) -> np.ndarray:
    """A per-step series with its last value repeated, to draw as steps over the step edges."""
    return np.append(values, values[-1])


def _bin_mean(values: np.ndarray, per: int) -> np.ndarray:
    """Means over consecutive bins of ``per`` steps (the last bin may be shorter)."""
    n = values.shape[-1]
    starts = np.arange(0, n, per)
    sums = np.add.reduceat(values, starts, axis=-1)
    return sums / np.diff(np.append(starts, n))


def _bin_max(values: np.ndarray, per: int) -> np.ndarray:
    return np.maximum.reduceat(values, np.arange(0, values.shape[-1], per), axis=-1)


def _traced_count(result) -> dict[str, int]:
    trace = next(iter(result.traces.values()), None)
    n = 0 if trace is None else int(trace.shape[0])
    feasible = int(np.sum(~np.isnan(result.slo_rate[:n]))) if n else 0
    return {"traced": n, "feasible": feasible}


def _time_ticks(ax, span: float, in_days: bool) -> None:
    from matplotlib.ticker import MaxNLocator, MultipleLocator

    if in_days and span <= 16:
        ax.xaxis.set_major_locator(MultipleLocator(1))
    elif not in_days and span <= 72:
        ax.xaxis.set_major_locator(MultipleLocator(next(s for s in (1, 2, 3, 6, 12)
                                                        if span / s <= 16)))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(14, steps=[1, 2, 5, 7, 10], integer=True))


def _policy_text(name: str, policy, settings) -> str:
    """A panel's title: the policy and the settings that size it."""
    if policy is None:
        return name
    span = "" if policy.max_replicas >= 1_000_000 else f", at most {policy.max_replicas}"
    if policy.kind == "static":
        q = "peak" if policy.demand_percentile >= 1 else f"p{policy.demand_percentile * 100:g}"
        return (f"static: enough replicas all the time for the horizon's {q} step rate at "
                f"{_target(policy.target_utilization)} of a replica's SLO rate (at least "
                f"{policy.min_replicas}{span})")
    if policy.kind == "reactive":
        return (f"reactive: sized for the last step's rate at "
                f"{_target(policy.target_utilization)} of a replica's SLO rate, at least "
                f"{policy.min_replicas}{span}; up by max({policy.scale_up_replicas}, "
                f"{policy.scale_up_percent:g} %) every {_duration(policy.scale_up_period_s)}, "
                f"down after {_duration(policy.scale_down_window_s)}; cold start median "
                f"{settings.cold_start_s.median():.0f} s")
    if policy.kind == "scheduled":
        return (f"scheduled: {min(policy.schedule)}-{max(policy.schedule)} replicas by the hour "
                "of the day, started ahead")
    return name


def _policy_numbers(result, name: str) -> str:
    """A panel's corner: monthly cost p50 [p5, p95], SLO attainment p50, replicas p50."""
    v = result.values[name]
    cost = _finite(v["usd_per_month"])
    if cost.size == 0:
        return "no sample fits a replica"
    lo, mid, hi = np.quantile(cost, [0.05, 0.5, 0.95])
    att = float(np.median(_finite(v["slo_attainment"])))
    mean_r, peak_r = (float(np.median(_finite(v[m]))) for m in ("replicas_mean", "replicas_peak"))
    return (f"cost {_usd(mid)}/month p50 [{_usd(lo)}, {_usd(hi)}] (p5, p95)\n"
            f"SLO attainment p50 {_percent(att)} (target {_target(result.settings.percentile)})"
            f"\nreplicas paid p50: mean {mean_r:.3g}, peak {peak_r:.3g}")


# --- fleet_cost_chart -----------------------------------------------------------------------------

def fleet_cost_chart(result, path=None):
    """Per policy of a :class:`~inferonomics.fleet.through_time.FleetResult`, side by side on a
    shared row: the monthly bill (USD/month, a bar to the p50 with the p5-p95 interval as a whisker)
    and the SLO attainment (share of requests meeting the TTFT and TPOT targets: p50 with its
    p5-p95 interval, on a logit axis, the ``[fleet] percentile`` target dashed). The title gives
    each policy against ``static`` sample by sample (common random numbers): the saving
    (USD/month) p50 [p5, p95], the share of samples in which it is cheaper, and the change in SLO
    attainment (percentage points) p50 [p5, p95]."""
    policies = list(result.values)
    fig, (ax_cost, ax_slo) = new_figure(1, 2, figsize=(10.5, 1.9 + 0.75 * len(policies)))
    ax_slo.sharey(ax_cost)
    rows = np.arange(len(policies))
    kinds = [result.policies[p].kind for p in policies]
    colors = [POLICY_COLORS.get(k, "tab:grey") for k in kinds]
    cost = [_quantiles(result.values[p]["usd_per_month"]) for p in policies]
    att = [_quantiles(result.values[p]["slo_attainment"]) for p in policies]
    mids = np.array([c[1] for c in cost])
    ax_cost.barh(rows, np.nan_to_num(mids), color=colors, height=0.55, alpha=0.85, gid="cost-bars")
    _whiskers(ax_cost, cost, rows, horizontal=True, gid="cost-whiskers")
    top = max([c[2] for c in cost if not math.isnan(c[2])], default=1.0)
    for j, (lo, mid, hi) in enumerate(cost):
        text = "no sample fits" if math.isnan(mid) else f"{_usd(mid)} [{_usd(lo)}, {_usd(hi)}]"
        ax_cost.annotate(text, (0 if math.isnan(hi) else hi, j), textcoords="offset points",
                         xytext=(5, 0), va="center", fontsize=8)
    ax_cost.set_xlim(0, top * 1.5)
    ax_cost.xaxis.set_major_formatter(_usd_formatter())
    ax_cost.set_xlabel("USD/month (bar: p50, whisker: p5-p95)")
    ax_cost.set_yticks(rows, policies)
    ax_cost.invert_yaxis()
    ax_cost.set_ylim(len(policies) - 0.4, -0.6)
    ax_cost.set_title("monthly bill", fontsize=9)
    ax_cost.grid(axis="x", alpha=0.3)

    target = result.settings.percentile
    lim = _logit_limits([a for q in att for a in q] + [target])
    ax_slo.set_xscale("logit")
    ax_slo.set_xlim(*lim)
    for j, (lo, mid, hi) in enumerate(att):
        if math.isnan(mid):
            continue
        c_lo, c_mid, c_hi = np.clip([lo, mid, hi], lim[0], 1 - TOP_MISS)
        ax_slo.plot([c_lo, c_hi], [j, j], color=colors[j], lw=1.5, gid="slo-whisker")
        ax_slo.plot([c_lo, c_lo], [j - 0.12, j + 0.12], color=colors[j], lw=1.5)
        ax_slo.plot([c_hi, c_hi], [j - 0.12, j + 0.12], color=colors[j], lw=1.5)
        ax_slo.plot([c_mid], [j], marker=POLICY_MARKERS.get(kinds[j], "o"), color=colors[j],
                    ms=7, ls="none", gid="slo-median")
        # Centred over its marker, unless that runs it off the axes near an end.
        where = (_logit(c_mid) - _logit(lim[0])) / (_logit(lim[1]) - _logit(lim[0]))
        ha = "right" if where > 0.75 else "left" if where < 0.25 else "center"
        ax_slo.annotate(f"{_percent(mid)} [{_percent(lo)}, {_percent(hi)}]", (c_mid, j),
                        textcoords="offset points", xytext=(0, 8), ha=ha, va="bottom",
                        fontsize=8)
    ax_slo.axvline(target, color="grey", ls="--", lw=1, label=f"target {_target(target)}")
    _percent_axis(ax_slo.xaxis)
    ax_slo.set_xlabel("SLO attainment, logit axis (marker: p50, whisker: p5-p95)")
    ax_slo.tick_params(labelleft=False)
    ax_slo.set_title("share of requests within the TTFT and TPOT targets", fontsize=9)
    ax_slo.grid(axis="x", alpha=0.3, which="major")
    ax_slo.legend(fontsize=8, loc="lower left")
    fig.suptitle(f"{result.scenario.name}\nMonthly bill and SLO attainment by policy over "
                 f"{_duration(result.settings.horizon_s)}; {result.samples:,} samples, seed "
                 f"{result.seed}, cost mode {result.cost_mode}" + _comparison_lines(result),
                 fontsize=9)
    return finish(fig, path)


def _comparison_lines(result) -> str:
    lines = []
    for key, c in result.comparisons().items():
        name = key
        s, d = c["saving_usd_per_month"], c["slo_attainment_change"]
        if s is None or d is None:
            continue
        lines.append(f"{name} vs {c['against']}, paired samples, p50 [p5, p95]: saves {_usd(s['p50'])}"
                     f"/month [{_usd(s['p5'], signed=True)}, {_usd(s['p95'], signed=True)}], "
                     f"cheaper in {_share(c['p_cheaper'])} of samples; SLO attainment "
                     f"{_points(d['p50'])} [{_points(d['p5'], unit=False)}, "
                     f"{_points(d['p95'], unit=False)}]")
    return "".join("\n" + line for line in lines)


# --- fleet_pareto_chart ---------------------------------------------------------------------------

def fleet_pareto_chart(points, path=None):
    """Median monthly cost (USD/month, x) against median SLO attainment (share of requests within
    the targets, y, logit axis) of every policy of every ``(label, FleetResult)`` in ``points``
    (say one per setting of ``policy.reactive.target_utilization``), with p5-p95 error bars both
    ways; the points no other point beats on both (cheaper and at least as good attainment, or
    better attainment and no dearer) ringed in red and joined as the Pareto front, labelled
    ``label: policy``. A policy whose samples are the same in several results (``static`` when
    only the reactive settings change) is drawn once, labelled with every result it stands for."""
    points = list(points)
    if not points:
        raise ScenarioError("points", "give at least one (label, FleetResult) to chart")
    entries: list[dict] = []
    for label, result in points:
        for name, v in result.values.items():
            same = next((e for e in entries if e["policy"] == name
                         and _same_values(e["values"], v)), None)
            if same is not None:
                same["labels"].append(str(label))
                continue
            entries.append({"policy": name, "kind": result.policies[name].kind,
                            "labels": [str(label)], "values": v,
                            "cost": _quantiles(v["usd_per_month"]),
                            "slo": _quantiles(v["slo_attainment"])})
    shown = [e for e in entries if not math.isnan(e["cost"][1]) and not math.isnan(e["slo"][1])]
    results = [r for _, r in points]
    target = results[0].settings.percentile
    fig, ax = new_figure(figsize=(10, 6.5))
    lim = _logit_limits([q for e in shown for q in e["slo"]] + [target])
    ax.set_yscale("logit")
    ax.set_ylim(*lim)
    # Attainments above the axis's top (1 - TOP_MISS) are drawn there and compared as equal, so
    # the front matches the picture rather than differences of a request in ten million.
    front = _pareto_front([(e["cost"][1], min(e["slo"][1], 1 - TOP_MISS)) for e in shown])
    for policy in dict.fromkeys(e["kind"] for e in shown):   # colour and legend by kind
        mine = [e for e in shown if e["kind"] == policy]
        xs = np.array([e["cost"][1] for e in mine])
        ys = np.clip([e["slo"][1] for e in mine], lim[0], 1 - TOP_MISS)
        xerr = np.array([[e["cost"][1] - e["cost"][0], e["cost"][2] - e["cost"][1]]
                         for e in mine]).T
        y_lo = np.clip([e["slo"][0] for e in mine], lim[0], 1 - TOP_MISS)
        y_hi = np.clip([e["slo"][2] for e in mine], lim[0], 1 - TOP_MISS)
        color = POLICY_COLORS.get(policy, "tab:grey")
        _tag(ax.errorbar(xs, ys, xerr=xerr, yerr=[ys - y_lo, y_hi - ys], fmt="none",
                         ecolor=color, alpha=0.35, lw=1, capsize=2), f"errorbars-{policy}")
        ax.scatter(xs, ys, s=36, color=color, marker=POLICY_MARKERS.get(policy, "o"), zorder=3,
                   label=policy, gid=f"points-{policy}")
    if front:
        fx = np.array([shown[i]["cost"][1] for i in front])
        fy = np.clip([shown[i]["slo"][1] for i in front], lim[0], 1 - TOP_MISS)
        ax.step(fx, fy, where="post", color=FRONT_COLOR, lw=1.2, alpha=0.8, gid="pareto-front")
        ax.scatter(fx, fy, s=110, facecolors="none", edgecolors=FRONT_COLOR, lw=1.5, zorder=4,
                   label="Pareto front (cheaper and more requests within the targets)",
                   gid="pareto-points")
    ax.axhline(target, color="grey", ls="--", lw=1, label=f"target {_target(target)}")
    for e in shown:
        y = min(max(e["slo"][1], lim[0]), 1 - TOP_MISS)
        label_point(ax, _point_label(e, len(points)), (e["cost"][1], y))
    xs_all = [q for e in shown for q in e["cost"]]
    if xs_all and min(xs_all) > 0 and max(xs_all) / min(xs_all) > 20:
        ax.set_xscale("log")
    ax.xaxis.set_major_formatter(_usd_formatter())
    _percent_axis(ax.yaxis)
    ax.set_xlabel("monthly cost, USD/month (point: p50, bars: p5-p95)")
    ax.set_ylabel("SLO attainment, logit axis (share of requests within the targets)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="center right")
    names = list(dict.fromkeys(r.scenario.name for r in results))
    samples = sorted({r.samples for r in results})
    seeds = sorted({r.seed for r in results})
    run = (f"{samples[0]:,} samples" if len(samples) == 1 else "samples "
           + ", ".join(f"{s:,}" for s in samples)) + (f", seed {seeds[0]}" if len(seeds) == 1
                                                      else ", seeds " + ", ".join(map(str, seeds)))
    hidden = len(entries) - len(shown)
    policies = len({e["policy"] for e in entries})   # names: a swept kind counts each setting
    ax.set_title((names[0] if len(names) == 1 else "; ".join(names)) + f"\nMedian monthly cost "
                 f"against median SLO attainment, {policies} policies"
                 + (f" under {len(points)} settings" if len(points) > 1 else "")
                 + f": {len(front)} of {len(shown)} distinct points on the Pareto front; "
                 f"{run}"
                 + (f"; {hidden} with no feasible sample not drawn" if hidden else "")
                 + (f"\nmedians above {_percent(1 - TOP_MISS)} are drawn at the top"
                    if any(e["slo"][1] > 1 - TOP_MISS for e in shown) else ""),
                 fontsize=9)
    return finish(fig, path)


def _point_label(entry, settings: int) -> str:
    labels = [label for label in entry["labels"] if label]
    if len(entry["labels"]) == settings and settings > 1:
        return f"{entry['policy']} (every setting)"
    return f"{', '.join(labels)}: {entry['policy']}" if labels else entry["policy"]


def _same_values(a, b) -> bool:
    return all(np.array_equal(a[m], b[m], equal_nan=True) for m in ("usd_per_month",
                                                                    "slo_attainment"))


def _pareto_front(points) -> list[int]:
    """Indices of the points (cost, attainment) no other point dominates (no dearer and no worse,
    better in one), by cost; of equal points the first."""
    front = []
    for i, (c, a) in enumerate(points):
        beaten = any((c2 <= c and a2 >= a and (c2 < c or a2 > a)) or ((c2, a2) == (c, a) and j < i)
                     for j, (c2, a2) in enumerate(points) if j != i)
        if not beaten:
            front.append(i)
    return sorted(front, key=lambda i: points[i][0])


# --- shared ---------------------------------------------------------------------------------------

def _finite(values) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return values[np.isfinite(values)]


def _quantiles(values) -> tuple[float, float, float]:
    """(p5, p50, p95) over the finite values, NaNs when there are none."""
    ok = _finite(values)
    if ok.size == 0:
        return (math.nan,) * 3
    return tuple(float(q) for q in np.quantile(ok, [0.05, 0.5, 0.95]))


def _whiskers(ax, quantiles, rows, *, horizontal: bool, gid: str) -> None:
    ok = [j for j, q in enumerate(quantiles) if not math.isnan(q[1])]
    if not ok:
        return
    mid = np.array([quantiles[j][1] for j in ok])
    err = np.array([[quantiles[j][1] - quantiles[j][0], quantiles[j][2] - quantiles[j][1]]
                    for j in ok]).T
    _tag(ax.errorbar(mid, rows[ok], xerr=err, fmt="none", ecolor="black", capsize=4, lw=1), gid)


def _tag(container, gid: str) -> None:
    """Give an errorbar's bars and caps a gid (the container itself cannot hold one)."""
    _, caps, bars = container.lines
    for artist in (*caps, *bars):
        artist.set_gid(gid)


def _logit_limits(values) -> tuple[float, float]:
    """Limits of a logit axis that show every finite share in ``values`` with a margin; shares
    of 1 (every request within the targets) sit just under the top, at 1 - :data:`TOP_MISS`."""
    v = _finite(values)
    v = np.clip(v, 1e-4, 1 - TOP_MISS) if v.size else np.array([0.9, 0.999])
    logit = np.log(v / (1 - v))
    lo, hi = float(logit.min()), float(logit.max())
    pad = max(0.08 * (hi - lo), 0.35)
    expit = lambda z: 1.0 / (1.0 + math.exp(-z))
    return expit(lo - pad), min(expit(hi + pad), 1 - TOP_MISS / 2)


def _logit(share: float) -> float:
    return math.log(share / (1.0 - share))


def _percent_axis(axis) -> None:
    """Logit-axis ticks as percentages (99 %, 99.9 %), minor ticks unlabelled."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: _percent(v, tick=True)))
    axis.set_minor_formatter(NullFormatter())


def _usd_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: _usd(v))


def _percent(share: float, tick: bool = False) -> str:
    """A share near 1 as a percentage with enough decimals to show what it misses: 0.99881 ->
    "99.88 %", 0.9999948 -> "99.9995 %", 1.0 -> "100 %"."""
    if share is None or math.isnan(share):
        return "n/a"
    miss = (1.0 - share) * 100
    if tick:
        if share <= 0.5:
            return f"{share * 100:.3g} %"
        return f"{100 - miss:.{max(0, round(-math.log10(miss)))}f} %" if miss > 0 else "100 %"
    if miss <= 0:
        return "100 %"
    decimals = min(4, max(1, math.ceil(-math.log10(miss)) + 1))
    text = f"{share * 100:.{decimals}f}"
    return f"{text} %" if float(text) < 100 else f">{100 - 10 ** -decimals:.{decimals}f} %"


def _points(change: float, unit: bool = True) -> str:
    """A change of share in percentage points, signed: -0.001 -> "-0.1 pp"."""
    pp = change * 100
    return (f"{pp:+.2g}" if abs(pp) >= 1e-4 else "±0") + (" pp" if unit else "")


def _share(share: float, decimals: int = 0) -> str:
    """A share as a percentage: 0.056 -> "6 %" (``decimals`` 1: "5.6 %")."""
    return f"{share * 100:.{decimals}f} %"


def _target(share: float) -> str:
    """A share as written in a scenario: 0.99 -> "99 %", 0.825 -> "82.5 %"."""
    return f"{share * 100:g} %"


def _usd(value: float, signed: bool = False) -> str:
    """USD with 3 significant figures: $173k, $1.2M, $950."""
    if value is None or math.isnan(value):
        return "n/a"
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    a = abs(value)
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= scale:
            return f"{sign}${a / scale:.3g}{suffix}"
    return f"{sign}${a:.3g}"


def _duration(seconds: float) -> str:
    """``604800`` -> "7 d", ``300`` -> "5 min"."""
    for unit, size in (("d", SECONDS_PER_DAY), ("h", SECONDS_PER_HOUR), ("min", 60.0)):
        if seconds >= size and abs(seconds / size - round(seconds / size)) < 1e-9:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"
