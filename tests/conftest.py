import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
# tools/mutate.py: reproducible, and a caught mutant is reported without shrinking its example.
settings.register_profile("mutation", derandomize=True, deadline=None, database=None,
                          phases=[Phase.explicit, Phase.generate],
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# Tests that compare backends skip the cores this build lacks; CI sets INFERONOMICS_REQUIRE_C=1 so
# that a missing or stale C core fails the run instead of being skipped quietly.
if os.environ.get("INFERONOMICS_REQUIRE_C") == "1":
    from inferonomics.cores import backends

    if backends.unavailable_reason("c") is not None:
        raise RuntimeError(f"INFERONOMICS_REQUIRE_C=1 but {backends.unavailable_reason('c')}")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE = EXAMPLES / "llama-2-70b-h100-fp8.toml"


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture
def interrupt_sweep_at_call(monkeypatch):
    """``interrupt_sweep_at_call(k)``: the next sweeps' k-th core call raises KeyboardInterrupt, as
    Ctrl-C between batches would; earlier calls run the real core."""
    from inferonomics.cores import backends

    def install(k: int) -> None:
        real = backends.get_backend("auto")
        calls = []

        def interrupting(grid, *args):
            calls.append(1)
            if len(calls) == k:
                raise KeyboardInterrupt
            return real.sweep_simulate(grid, *args)

        fake = backends.Backend(real.name, real.simulate, real.evaluate, real.draw,
                                real.sweep_evaluate, interrupting)
        monkeypatch.setattr("inferonomics.cores.backends.get_backend", lambda name: fake)

    return install


@pytest.fixture
def interrupt_comparison_at_call(monkeypatch):
    """``interrupt_comparison_at_call(k)``: the k-th option a comparison evaluates raises
    KeyboardInterrupt; returns the list of plans evaluated so far (the baseline first)."""
    from inferonomics.analysis import decisions

    def install(k: int) -> list:
        calls = []
        real = decisions._metric_chunks

        def interrupting(chosen, plan, *args):
            calls.append(plan)
            if len(calls) == k:
                raise KeyboardInterrupt
            return real(chosen, plan, *args)

        monkeypatch.setattr(decisions, "_metric_chunks", interrupting)
        return calls

    return install
