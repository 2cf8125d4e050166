"""``[demand]``: how much a service is asked for in a month (issue 12, part 3; the fleet layer adds
its shape through the day).

The volume is given one way: ``tokens_per_month`` (input plus output, split in the ratio of each
sample's workload input and output lengths), ``input_tokens_per_month`` with
``output_tokens_per_month``, or ``requests_per_s`` (a mean over the month; each request has the
workload's input and output tokens). ``cache_hit_share`` is the share of input tokens an API reads
from its prompt cache. Every figure may be a distribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ScenarioError
from ..model.registry import ANALYSIS_PARAMETER_BY_PATH, default_of
from ..sampling.columns import draw_column
from ..sampling.distributions import Distribution
from .values import parse_single, section_table

SECONDS_PER_MONTH = 365.25 * 24 * 3600 / 12
"""A mean month (a Julian year over twelve), s."""
VOLUME_FORMS = (("tokens_per_month",), ("input_tokens_per_month", "output_tokens_per_month"),
                ("requests_per_s",))
DEMAND_KEYS = tuple(k for form in VOLUME_FORMS for k in form) + ("cache_hit_share",)


@dataclass(frozen=True)
class Demand:
    """A month's demand: ``volume`` maps the keys of one volume form to their distributions."""

    volume: dict[str, Distribution]
    cache_hit_share: Distribution

    def draw(self, keys: list[int], input_tokens: np.ndarray, output_tokens: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Input and output tokens per month and the cache-hit share, per sample key, given each
        sample's input and output tokens per request."""
        x = {k: draw_column(d, ANALYSIS_PARAMETER_BY_PATH[f"demand.{k}"].stream, keys)
             for k, d in self.volume.items()}
        if "tokens_per_month" in x:
            out_share = output_tokens / (input_tokens + output_tokens)
            v_out = x["tokens_per_month"] * out_share
            v_in = x["tokens_per_month"] - v_out
        elif "requests_per_s" in x:
            requests = x["requests_per_s"] * SECONDS_PER_MONTH
            v_in, v_out = requests * input_tokens, requests * output_tokens
        else:
            v_in, v_out = x["input_tokens_per_month"], x["output_tokens_per_month"]
        share = draw_column(self.cache_hit_share,
                            ANALYSIS_PARAMETER_BY_PATH["demand.cache_hit_share"].stream, keys)
        return v_in, v_out, share

    def to_dict(self) -> dict[str, Any]:
        return {k: {"median": d.median(), "support": list(d.support())}
                for k, d in {**self.volume, "cache_hit_share": self.cache_hit_share}.items()}


def parse_demand(table: Any) -> Demand | None:
    """Check ``[demand]`` (None when the scenario has none)."""
    if table is None:
        return None
    table = section_table("demand", table, DEMAND_KEYS)
    forms = [form for form in VOLUME_FORMS if any(k in table for k in form)]
    if len(forms) != 1:
        given = " and ".join(k for form in forms for k in form if k in table)
        raise ScenarioError("demand", ("give the volume one way, not " + given) if forms else
                            "missing: give tokens_per_month, input_tokens_per_month with "
                            "output_tokens_per_month, or requests_per_s")
    for key in forms[0]:
        if key not in table:
            raise ScenarioError(f"demand.{key}", f"missing: {' and '.join(forms[0])} go together")
    parse = lambda k: parse_single(f"demand.{k}", table[k], ANALYSIS_PARAMETER_BY_PATH[f"demand.{k}"])
    share_param = ANALYSIS_PARAMETER_BY_PATH["demand.cache_hit_share"]
    share = parse("cache_hit_share") if "cache_hit_share" in table else default_of(share_param)
    return Demand({k: parse(k) for k in forms[0]}, share)


__all__ = ["Demand", "parse_demand", "SECONDS_PER_MONTH"]
