"""Charts (matplotlib, an optional extra: ``pip install "inferonomics[plot]"``). Every function
returns a matplotlib Figure built without pyplot, so it never switches the caller's backend or
touches their open figures; given ``path``, it also writes the figure there (format from the
suffix), atomically."""

from .costs import cost_breakdown_chart
from .distribution import distribution_chart
from .fleet import fleet_chart, fleet_cost_chart, fleet_pareto_chart
from .sensitivity import sobol_chart, tornado_chart
from .sweeps import pareto_chart, sweep_chart
from .validation import plot_validation

__all__ = ["cost_breakdown_chart", "distribution_chart", "fleet_chart", "fleet_cost_chart",
           "fleet_pareto_chart", "pareto_chart", "plot_validation", "sobol_chart", "sweep_chart",
           "tornado_chart"]
