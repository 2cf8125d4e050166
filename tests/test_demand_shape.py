"""The shape of demand through time (issue 13): daily cosine or hourly weights, weekly weights,
growth, each scaled so requests_per_s stays the mean over the horizon; bad shapes refused."""

import math

import numpy as np
import pytest

import inferonomics
from inferonomics.errors import ScenarioError
from inferonomics.io.demand import parse_demand
from inferonomics.sampling.columns import sample_keys

WEEK = 24 * 7


def shape(**keys):
    return parse_demand({"requests_per_s": 10.0, **keys}).shape


def test_flat_demand_is_one_every_hour():
    assert np.array_equal(shape().factors(sample_keys(0, 2), 50), np.ones((2, 50)))


def test_diurnal_cosine_peaks_at_its_hour_with_its_peak_to_trough_ratio():
    f = shape(profile="diurnal", peak_to_trough=3.0, peak_hour=14).factors(sample_keys(0, 1), WEEK)
    day = f[0, :24]
    assert day.argmax() == 14 and day.argmin() == 2
    assert day.max() / day.min() == pytest.approx(3.0, rel=1e-12)
    assert f.mean() == pytest.approx(1.0, rel=1e-12)


def test_peak_to_trough_may_be_uncertain_drawn_per_sample():
    s = shape(profile="diurnal", peak_hour=20,
              peak_to_trough={"dist": "uniform", "low": 2.0, "high": 5.0})
    f = s.factors(sample_keys(3, 200), 24)
    ratios = f.max(axis=1) / f.min(axis=1)
    assert 2.0 <= ratios.min() and ratios.max() <= 5.0 and ratios.std() > 0.5
    np.testing.assert_array_equal(f, s.factors(sample_keys(3, 200), 24))   # same seed, same draws


def test_hourly_and_weekly_weights_are_relative():
    hourly = [1.0] * 12 + [3.0] * 12
    weekly = [2, 2, 2, 2, 2, 1, 1]
    f = shape(hourly=hourly, weekly=weekly).factors(sample_keys(0, 1), WEEK)[0]
    assert f[12] / f[0] == pytest.approx(3.0) and f[5 * 24] / f[0] == pytest.approx(0.5)
    assert f.mean() == pytest.approx(1.0, rel=1e-12)


def test_growth_rises_month_on_month_and_keeps_the_mean():
    f = shape(growth_per_month=0.1).factors(sample_keys(0, 1), 24 * 91)[0]
    month = int(round(24 * 365.25 / 12))
    assert f[month] / f[0] == pytest.approx(1.1, rel=1e-3)
    assert f.mean() == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("keys, path", [
    ({"profile": "weekly"}, "demand.profile"),
    ({"profile": "diurnal", "peak_hour": 12}, "demand.peak_to_trough"),
    ({"profile": "diurnal", "peak_to_trough": 3}, "demand.peak_hour"),
    ({"peak_to_trough": 3}, "demand.peak_to_trough"),
    ({"profile": "diurnal", "peak_to_trough": 0.5, "peak_hour": 3}, "demand.peak_to_trough"),
    ({"profile": "diurnal", "peak_to_trough": 3, "peak_hour": 24}, "demand.peak_hour"),
    ({"profile": "diurnal", "peak_to_trough": 3, "peak_hour": 1, "hourly": [1] * 24},
     "demand.hourly"),
    ({"hourly": [1] * 23}, "demand.hourly"),
    ({"hourly": [0] * 24}, "demand.hourly"),
    ({"hourly": [1] * 23 + [-1]}, "demand.hourly"),
    ({"hourly": [1] * 23 + [math.inf]}, "demand.hourly"),
    ({"weekly": []}, "demand.weekly"),
    ({"weekly": [1, 1, 1, "x", 1, 1, 1]}, "demand.weekly"),
    ({"growth_per_month": -1.0}, "demand.growth_per_month"),
])
def test_bad_shapes_are_refused_naming_the_key(keys, path):
    with pytest.raises(ScenarioError) as info:
        shape(**keys)
    assert info.value.path == path


def test_a_scenario_with_a_shaped_demand_loads_and_runs_the_api_comparison():
    s = inferonomics.load_scenario("examples/api-or-self-host-llama-3.3-70b.toml").with_values(
        {"demand.profile": "diurnal", "demand.peak_to_trough": 3, "demand.peak_hour": 14})
    assert s.analysis["demand"].shape.profile == "diurnal"


def test_extreme_but_allowed_shapes_stay_finite():
    huge = shape(hourly=[1e308] * 23 + [1.0], growth_per_month=10.0)
    f = huge.factors(sample_keys(0, 1), 24 * 365 * 30)
    assert np.isfinite(f).all() and f.mean() == pytest.approx(1.0, rel=1e-9)
    steep = shape(profile="diurnal", peak_to_trough=1e6, peak_hour=0).factors(sample_keys(0, 1), 24)
    assert np.isfinite(steep).all() and steep.min() > 0


@pytest.mark.parametrize("hours", [0, -3, 2.5, True])
def test_a_profile_needs_a_whole_positive_number_of_hours(hours):
    with pytest.raises(ScenarioError) as info:
        shape().factors(sample_keys(0, 1), hours)
    assert info.value.path == "hours"


def test_weights_that_give_no_demand_over_the_horizon_are_refused():
    with pytest.raises(ScenarioError) as info:
        shape(weekly=[0, 1, 1, 1, 1, 1, 1]).factors(sample_keys(0, 1), 24)
    assert info.value.path == "demand.weekly"


def test_hourly_noise_has_mean_one_its_sigma_and_is_the_same_for_the_same_seed():
    s = shape(noise_sigma=0.3)
    f = s.factors(sample_keys(5, 200), 24 * 30)
    logs = np.log(f)
    assert f.mean() == pytest.approx(1.0, abs=0.01)
    assert logs.std() == pytest.approx(0.3, rel=0.02)
    np.testing.assert_array_equal(f, s.factors(sample_keys(5, 200), 24 * 30))
    assert not np.array_equal(f, s.factors(sample_keys(6, 200), 24 * 30))
    # Hour k of sample i is draw k of the noise stream: a longer horizon extends, not reshuffles.
    np.testing.assert_array_equal(s.factors(sample_keys(5, 3), 48)[:, :24],
                                  s.factors(sample_keys(5, 3), 24))


def test_the_vectorised_stream_and_normal_quantile_are_the_scalar_ones():
    from inferonomics.sampling import rng
    from inferonomics.sampling.columns import standard_normal_quantiles, uniform_grid
    from inferonomics.sampling.distributions import standard_normal_quantile

    keys = sample_keys(11, 4)
    grid = uniform_grid(keys, 90, 64)
    assert np.array_equal(grid, [[rng.uniform(k, 90, j) for j in range(64)] for k in keys])
    p = np.concatenate([grid.ravel(), [2.0 ** -53, 1e-300, 0.075, 0.5, 0.925, 1 - 2.0 ** -53]])
    np.testing.assert_allclose(standard_normal_quantiles(p),
                               [standard_normal_quantile(v) for v in p], rtol=1e-14)


def test_noise_sigma_outside_its_range_is_refused():
    with pytest.raises(ScenarioError) as info:
        shape(noise_sigma=4)
    assert info.value.path == "demand.noise_sigma"


def write(tmp_path, text, name="rates.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_file_of_hourly_rates_gives_the_mean_and_the_shape_repeated(tmp_path):
    write(tmp_path, "hour,requests_per_s\n0,1\n1,3\n")
    d = parse_demand({"file": "rates.csv"}, tmp_path)
    assert d.volume["requests_per_s"].median() == 2.0
    f = d.shape.factors(sample_keys(0, 1), 6)[0]
    np.testing.assert_allclose(f, [0.5, 1.5] * 3)
    write(tmp_path, "2\n6\n", "bare.csv")                    # one column, no header
    assert parse_demand({"file": "bare.csv"}, tmp_path).volume["requests_per_s"].median() == 4.0


def test_a_scenario_loaded_from_another_folder_finds_its_file_and_shows_it_absolute(tmp_path,
                                                                                    monkeypatch):
    import tomllib

    write(tmp_path, "requests_per_s\n1\n2\n3\n")
    scenario = tmp_path / "s.toml"
    scenario.write_text('[model]\nid = "llama-3.1-8b"\n[hardware]\nid = "h100-sxm"\n'
                        '[workload]\nbatch = 8\ninput_tokens = 100\noutput_tokens = 10\n'
                        '[demand]\nfile = "rates.csv"\n')
    monkeypatch.chdir("/")
    s = inferonomics.load_scenario(scenario)
    assert s.analysis["demand"].shape.series == (1.0, 2.0, 3.0)
    shown = tomllib.loads(s.to_toml())
    assert shown["demand"]["file"] == str(tmp_path / "rates.csv")


@pytest.mark.parametrize("text, path", [
    ("requests_per_s\n", "demand.file"),                     # no rows
    ("requests_per_s\n0\n0\n", "demand.file"),               # no demand
    ("requests_per_s\n1\n-2\n", "demand.file[1]"),
    ("requests_per_s\n1\nnan\n", "demand.file[1]"),
    ("requests_per_s\n1\ninf\n", "demand.file[1]"),
    ("requests_per_s\n1\nlots\n", "demand.file[1]"),
    ("a,b\n1,2\n", "demand.file"),                           # no requests_per_s column
    ("requests_per_s,x\n1,2\n,3\n", "demand.file[1]"),       # an empty cell
])
def test_bad_rate_files_are_refused_naming_the_row(tmp_path, text, path):
    write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        parse_demand({"file": "rates.csv"}, tmp_path)
    assert info.value.path == path


def test_unreadable_files_and_shapes_given_twice_are_refused(tmp_path):
    for name in ("missing.csv", "."):
        with pytest.raises(ScenarioError, match="cannot read") as info:
            parse_demand({"file": name}, tmp_path)
        assert info.value.path == "demand.file"
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ScenarioError, match="cannot read"):
        parse_demand({"file": "bin.csv"}, tmp_path)
    write(tmp_path, "1\n2\n")
    with pytest.raises(ScenarioError) as info:
        parse_demand({"file": "rates.csv", "weekly": [1] * 7}, tmp_path)
    assert info.value.path == "demand.weekly"
    with pytest.raises(ScenarioError) as info:
        parse_demand({"file": "rates.csv", "requests_per_s": 3}, tmp_path)
    assert info.value.path == "demand"


def test_bursts_raise_the_rate_of_their_hours_and_keep_the_expected_mean():
    base = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm"},
            "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
            "demand": {"requests_per_s": 10, "bursts_per_day": 2.0, "burst_factor": 5.0}}
    factors = inferonomics.load_scenario(base).analysis["demand"].shape.factors(sample_keys(0, 400), 24 * 30)
    quiet = 1.0 / (1.0 + (2.0 / 24) * 4.0)
    burst = factors > quiet * 1.01
    np.testing.assert_allclose(factors[burst], 5.0 * quiet)
    np.testing.assert_allclose(factors[~burst], quiet)
    assert abs(burst.mean() - 2.0 / 24) < 0.005          # about two hours a day
    assert abs(factors.mean() - 1.0) < 0.01
    # The same hours burst over a longer horizon: draw k is hour k's.
    longer = inferonomics.load_scenario(base).analysis["demand"].shape.factors(sample_keys(0, 400), 24 * 31)
    np.testing.assert_array_equal(longer[:, :24 * 30] > quiet * 1.01, burst)


def test_a_burst_factor_without_bursts_is_refused():
    with pytest.raises(ScenarioError) as err:
        inferonomics.load_scenario({"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm"},
                       "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
                       "demand": {"requests_per_s": 10, "burst_factor": 5.0}})
    assert err.value.path == "demand.burst_factor"


def test_a_demand_file_keeps_its_rates_over_any_horizon(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("requests_per_s\n" + "\n".join(["1"] * 24 + ["100"] * 24) + "\n")
    demand = inferonomics.load_scenario({
        "model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm"},
        "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
        "demand": {"file": str(path)}}).analysis["demand"]
    mean = demand.volume["requests_per_s"].median()
    for hours in (18, 24, 30, 48, 96):
        rates = mean * demand.shape.factors([1, 2], hours)
        expected = np.array(([1.0] * 24 + [100.0] * 24) * 2)[:hours]
        np.testing.assert_allclose(rates, np.tile(expected, (2, 1)), rtol=1e-12)
