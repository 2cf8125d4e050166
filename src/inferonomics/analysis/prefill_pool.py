"""The analyses that count a replica's devices as ``hardware.count`` (the devices a `tco` or
`horizon` buys and rents, the fleet `api` bills, the idle power `edge` charges) do not count a
disaggregated replica's prefill pool (``serving.disaggregated``), whose size the model derives per
sample. They refuse such a scenario by name instead of under-counting it; ``run``, ``sweep`` and
the per-token figures count the pool."""

from __future__ import annotations

from ..errors import ScenarioError


def refuse_prefill_pool(plan, analysis: str) -> None:
    """Raise a ScenarioError naming ``serving.disaggregated`` if ``plan`` can draw it on."""
    if plan["disaggregated"].support()[1] > 0:
        raise ScenarioError("serving.disaggregated",
                            f"{analysis} counts a replica's devices as hardware.count, which leaves "
                            "out a disaggregated replica's prefill pool; compare such a replica "
                            "per token with `run` or `sweep` (their costs include the pool)")
