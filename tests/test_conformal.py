"""The conformal model-discrepancy margin and its leave-one-source-out check, on hand-computed
cases, and as ``inferonomics validate`` reports it."""

import math

import pytest

from inferonomics.fidelity import conformal, validation


def test_the_score_is_the_log_distance_outside_the_interval_negative_inside():
    assert conformal.score(4.0, 1.0, 2.0) == pytest.approx(math.log(2.0))      # 2x above p95
    assert conformal.score(0.25, 1.0, 2.0) == pytest.approx(math.log(4.0))     # 4x below p5
    assert conformal.score(1.5, 1.0, 2.0) == pytest.approx(-math.log(4 / 3))   # inside, nearer p95
    assert conformal.score(1.5, 0.0, 0.0) == math.inf                           # no prediction


def test_the_margin_is_the_ceil_n_plus_one_times_coverage_th_smallest_score():
    scores = [0.1 * k for k in range(1, 20)]          # 19 scores: rank ceil(20 * 0.9) = 18
    assert conformal.margin(scores) == pytest.approx(1.8)
    assert conformal.margin(scores[:8]) == math.inf    # rank ceil(9 * 0.9) = 9 > 8: no finite Q
    assert conformal.margin([-0.5] * 9) == pytest.approx(-0.5)   # intervals wider than the error


def test_widening_multiplies_the_ends_and_never_crosses_the_median():
    lo, hi = conformal.widen(1.0, 1.5, 2.0, math.log(2.0))
    assert (lo, hi) == pytest.approx((0.5, 4.0))
    lo, hi = conformal.widen(1.0, 1.5, 2.0, -math.log(10.0))   # a large negative margin
    assert lo == 1.5 and hi == 1.5
    lo, hi = conformal.widen(0.0, 0.0, 0.0, 0.1)                 # infeasible: never inside
    assert not lo <= 1.0 <= hi


def test_a_kind_with_few_cases_borrows_the_pooled_margin():
    rows = [{"kind": "throughput", "measured": math.exp(0.1 * k), "p5": 0.5, "p95": 1.0}
            for k in range(1, 10)]                              # scores 0.1 .. 0.9
    rows += [{"kind": "ttft", "measured": math.exp(3.0), "p5": 0.5, "p95": 1.0}]   # score 3.0
    margins = conformal.kind_margins(rows)
    assert margins["throughput"] == pytest.approx(0.9)   # 9 scores: rank ceil(10 * 0.9) = 9
    assert margins["all"] == pytest.approx(3.0)          # 10 scores: rank ceil(11 * 0.9) = 10
    assert margins["ttft"] == margins["all"]             # 1 case < MIN_KIND_CASES: the pooled one


def test_leaving_one_source_out_calibrates_each_source_on_the_others_only():
    # Source A: 9 throughput cases whose measurements sit 2x above p95; source B: 9 inside.
    rows = []
    for k in range(9):
        rows.append({"id": f"A{k}", "source": "A", "kind": "throughput", "measured": 4.0,
                     "p5": 1.0, "p50": 1.5, "p95": 2.0})
        rows.append({"id": f"B{k}", "source": "B", "kind": "throughput", "measured": 1.5,
                     "p5": 1.0, "p50": 1.5, "p95": 2.0})
    report = conformal.leave_one_source_out(rows)
    margins = {c["source"]: c["margin"] for c in report["cases"]}
    # A's margin comes from B's scores (inside by ln(4/3)), B's from A's (outside by ln 2).
    assert margins["A"] == pytest.approx(-math.log(4 / 3))
    assert margins["B"] == pytest.approx(math.log(2.0))
    assert report["sources"]["A"]["coverage_calibrated"] == 0.0   # B never taught it A's error
    assert report["sources"]["B"]["coverage_calibrated"] == 1.0
    assert report["all"]["coverage"] == 0.5
    assert report["sources"]["B"]["median_width_calibrated"] == pytest.approx(8.0)  # 0.5 .. 4


def test_a_kind_gets_its_own_margin_only_when_it_is_finite():
    def rows(kind, n, score):
        return [{"kind": kind, "measured": math.exp(score), "p5": 0.5, "p95": 1.0}] * n

    eight = conformal.kind_margins(rows("energy", 8, 0.2) + rows("throughput", 9, 0.1))
    assert eight["energy"] == eight["all"] == pytest.approx(0.2)   # 8: unbounded alone, pooled
    nine = conformal.kind_margins(rows("energy", 9, 0.2) + rows("throughput", 9, 0.1))
    assert nine["energy"] == pytest.approx(0.2) and nine["throughput"] == pytest.approx(0.1)


def test_an_infeasible_case_is_never_covered_and_its_score_unbounds_a_small_calibration_set():
    rows = [{"id": f"A{k}", "source": "A", "kind": "throughput", "measured": 1.5,
             "p5": 1.0, "p50": 1.5, "p95": 2.0} for k in range(9)]
    rows.append({"id": "B0", "source": "B", "kind": "throughput", "measured": 1.5,
                 "p5": 0.0, "p50": 0.0, "p95": 0.0})
    report = conformal.leave_one_source_out(rows)
    assert report["sources"]["B"]["coverage_calibrated"] == 0.0
    assert math.isnan(report["sources"]["B"]["median_width"])
    # A is calibrated on B alone (one infinite score): an unbounded margin, honestly reported.
    assert report["sources"]["A"]["median_width_calibrated"] == math.inf
    assert report["all"]["coverage"] == pytest.approx(9 / 10)   # infeasible rows count as misses


@pytest.mark.parametrize("source, key", [
    ("github mlcommons/inference_results_v4.1 (MLPerf v4.1) : closed/NVIDIA/x.txt",
     conformal.MLPERF),
    ("github ml-energy/leaderboard data/A100_chat_benchmark.csv @4717739 (legacy)",
     "github ml-energy/leaderboard"),
    ("https://buildkite.com/vllm/performance-benchmark/builds/9515 (vLLM CI)", "buildkite.com"),
    ("https://github.com/ggml-org/llama.cpp/pull/2917 (2023-08-30)", "github ggml-org/llama.cpp"),
    ("https://www.github.com/ggml-org/llama.cpp/issues/1", "github ggml-org/llama.cpp"),
    ("github ntuhpc/mlperf_inference_results_v5.0 @cf354115 (mirror)", conformal.MLPERF),
    ("github mlcommons/inference_results_v4.0 (MLPerf v4.0)", conformal.MLPERF),
])
def test_sources_are_grouped_by_publisher(source, key):
    assert conformal.source_key(source) == key


def test_validate_reports_leave_one_source_out_per_kind_and_source():
    report = validation.validate(samples=500, seed=0)
    loso = report["leave_one_source_out"]
    cases = validation.load_cases()
    assert loso["all"]["cases"] == len(cases)
    assert set(loso["kinds"]) == {validation.metric_kind(c.metric) for c in cases}
    assert set(loso["sources"]) == {conformal.source_key(c.source) for c in cases}
    assert len(loso["sources"]) >= 5
    for group in [loso["all"], *loso["kinds"].values(), *loso["sources"].values()]:
        assert 0.0 <= group["coverage_calibrated"] <= 1.0
        assert group["median_width_calibrated"] >= 1.0
    assert {c["id"] for c in loso["cases"]} == {c.id for c in cases}


def test_the_cli_prints_the_check_and_json_carries_it(capsys):
    import json

    from inferonomics import cli

    assert cli.main(["validate", "--samples", "300"]) == 0
    out = capsys.readouterr().out
    assert "leave one source out" in out and f"source {conformal.MLPERF}" in out
    assert "nan" not in out.split("leave one source out")[1]
    assert cli.main(["validate", "--samples", "300", "--json"]) == 0
    loso = json.loads(capsys.readouterr().out)["leave_one_source_out"]
    assert loso["all"]["cases"] == len(validation.load_cases())
