"""The price book: every figure is a dated, sourced band whose prior reproduces it."""

import math
import re

import pytest

from inferonomics.errors import ScenarioError
from inferonomics.io import catalog, pricebook
from inferonomics.sampling.distributions import standard_normal_quantile

BOOK = pricebook.device_prices()


def all_figures():
    for device, figures in BOOK.items():
        yield from figures.values()
    yield from pricebook.facility_figures().values()
    for region in pricebook.regions():
        for quantity in ("usd_per_kwh", "grid_gco2_per_kwh", "water_offsite_l_per_kwh"):
            figure = pricebook.region_figure(region, quantity)
            if figure is not None:
                yield figure


def test_every_priced_device_is_in_the_hardware_catalog():
    assert set(BOOK) <= set(catalog.entries("hardware"))


@pytest.mark.parametrize("figure", list(all_figures()), ids=lambda f: f.path)
def test_every_figure_is_dated_sourced_and_a_valid_band(figure):
    assert re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", figure.as_of), figure.as_of
    assert figure.kind in pricebook.EVIDENCE_KINDS
    assert len(figure.source) > 20
    if figure.kind == "our-arithmetic":
        assert figure.derived or "derived" in figure.source or figure.single, figure.path
    assert 0 < figure.p5 <= figure.p95 < math.inf


@pytest.mark.parametrize("figure", [f for f in all_figures() if f.p50 is None],
                         ids=lambda f: f.path)
def test_a_band_becomes_a_lognormal_through_its_ends(figure):
    dist = figure.distribution()
    z = standard_normal_quantile(0.95)
    assert dist.median_ * math.exp(-z * dist.sigma) == pytest.approx(figure.p5, rel=1e-12)
    assert dist.median_ * math.exp(z * dist.sigma) == pytest.approx(figure.p95, rel=1e-12)


def test_a_single_published_figure_gets_the_documented_spread_and_says_so():
    figure = pricebook.parse_figure("x.rent.specialist", {
        "p50": 2.0, "as_of": "2026-01", "kind": "vendor", "source": "a vendor price page"})
    assert figure.single and "one published figure" in figure.basis
    assert figure.p95 / figure.p5 == pytest.approx(pricebook.SINGLE_FIGURE_RATIO)
    assert figure.distribution().median() == 2.0


def test_the_h100_is_priced_at_market_rates_not_a_list_price():
    specialist = pricebook.rent_figure("h100-sxm", "specialist")
    assert 2.0 < specialist.distribution().median() < 4.0
    assert specialist.basis == "h100-sxm.rent.specialist (secondary, 2026-05)"


def test_a_region_without_a_figure_falls_back_to_its_parent_then_the_world():
    assert pricebook.region_figure("us-tx", "grid_gco2_per_kwh").path.startswith("region.us.")
    assert pricebook.region_figure("nowhere", "grid_gco2_per_kwh").path.startswith("region.world.")


@pytest.mark.parametrize("raw, where", [
    ({"p5": 2, "as_of": "2026-01", "kind": "vendor", "source": "s"}, "neither"),
    ({"p5": 3, "p95": 2, "as_of": "2026-01", "kind": "vendor", "source": "s"}, "p5 <= p50 <= p95"),
    ({"p5": -1, "p95": 2, "as_of": "2026-01", "kind": "vendor", "source": "s"}, "positive"),
    ({"p5": 1, "p95": 2, "kind": "vendor", "source": "s"}, "as_of"),
    ({"p5": 1, "p95": 2, "as_of": "2026-01", "kind": "rumour", "source": "s"}, "one of"),
    ({"p5": 1, "p95": 2, "as_of": "2026-01", "kind": "vendor", "source": "s", "px": 1}, "unknown key"),
    ("cheap", "must be a table"),
])
def test_a_bad_figure_is_refused_naming_its_path(raw, where):
    with pytest.raises(ScenarioError, match=re.escape(where)) as info:
        pricebook.parse_figure("prices.x.rent.specialist", raw)
    assert str(info.value).startswith("prices.x.rent.specialist")
