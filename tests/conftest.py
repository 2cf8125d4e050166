import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Tests that compare backends skip the cores this build lacks; CI sets INFERONOMICS_REQUIRE_C=1 so
# that a missing or stale C core fails the run instead of being skipped quietly.
if os.environ.get("INFERONOMICS_REQUIRE_C") == "1":
    from inferonomics import backends

    if backends.unavailable_reason("c") is not None:
        raise RuntimeError(f"INFERONOMICS_REQUIRE_C=1 but {backends.unavailable_reason('c')}")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE = EXAMPLES / "llama-2-70b-h100-fp8.toml"


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE
