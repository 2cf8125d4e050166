"""Explicit contracts: frozen random streams, one metric registry behind every output, results that
record the versions of the contracts they were made under."""

import json

import numpy as np
import pytest

import inferonomics
from inferonomics import cli
from inferonomics.model.registry import (METRICS, NEXT_STREAM, PARAMETERS, RETIRED_STREAMS,
                                         TABLE_METRICS, unit_of)

# The inputs of the first release, in the order whose positions became their stream ids. A seed's
# samples depend on these ids: they must never change (new inputs take new ids).
FIRST_RELEASE_STREAMS = (
    "total_params_b", "active_params_b", "n_layers", "d_model", "n_heads", "n_kv_heads", "head_dim",
    "v_head_dim", "d_ff", "n_experts", "experts_per_token", "kv_lora_rank", "rope_head_dim",
    "sliding_window", "sliding_window_layers", "count", "memory_gb", "memory_bw_gbps",
    "tflops_fp32", "tflops_16", "tflops_8", "tflops_4", "tdp_w", "idle_w", "interconnect_gbps",
    "link_latency_us", "weight_bits", "activation_bits", "kv_bits", "batch", "input_tokens",
    "output_tokens", "ttft_slo_s", "tpot_slo_s", "mfu", "mbu", "comm_efficiency",
    "step_overhead_ms", "memory_usable_fraction", "pue", "host_w", "grid_gco2_per_kwh",
    "embodied_kgco2", "usd_per_device_hour", "purchase_usd", "hosting_usd_per_device_hour",
    "usd_per_kwh", "utilization", "lifetime_years", "power_exponent", "beams",
)


def test_released_inputs_keep_their_stream_ids():
    streams = {p.name: p.stream for p in PARAMETERS}
    for position, name in enumerate(FIRST_RELEASE_STREAMS):
        assert streams[name] == position, name


def test_stream_ids_are_unique_and_never_reuse_retired_ones():
    streams = [p.stream for p in PARAMETERS]
    assert len(set(streams)) == len(streams)
    assert not RETIRED_STREAMS & set(streams)
    assert NEXT_STREAM > max(streams)


def test_an_input_added_later_may_sit_in_its_own_section():
    # wue_l_per_kwh came after the first release: it draws from a new stream, yet sits in [energy].
    names = [p.name for p in PARAMETERS]
    wue = next(p for p in PARAMETERS if p.name == "wue_l_per_kwh")
    assert wue.stream >= len(FIRST_RELEASE_STREAMS)
    assert names.index("wue_l_per_kwh") == names.index("embodied_kgco2") + 1


def test_cli_table_prints_every_table_metric_with_its_registry_unit(example_path, capsys):
    assert cli.main(["run", str(example_path), "--samples", "2000"]) == 0
    lines = {ln.split()[0]: ln for ln in capsys.readouterr().out.splitlines() if ln.split()}
    for name in TABLE_METRICS:
        assert name in lines
        unit = unit_of(name)
        assert lines[name].endswith(unit) if unit else True, name


def test_metrics_declare_a_direction_and_a_description():
    for m in METRICS:
        assert m.better in ("lower", "higher", "neither") and m.description, m.name


def test_results_record_the_contract_versions(example_path, tmp_path, capsys):
    r = inferonomics.simulate(example_path, samples=500, seed=1, keep_samples=True)
    d = r.to_dict()
    assert d["schema_version"] == inferonomics.SCHEMA_VERSION
    assert d["stream_version"] == inferonomics.STREAM_VERSION
    assert d["inferonomics"] == inferonomics.__version__
    assert d["units"]["usd_per_mtok"] == "USD/Mtok"
    pytest.importorskip("pandas")
    frame = r.to_pandas()
    assert frame.attrs["schema_version"] == inferonomics.SCHEMA_VERSION
    assert frame.attrs["units"]["water_l_per_mtok"] == "L/Mtok"
    assert cli.main(["run", str(example_path), "--samples", "500", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stream_version"] == inferonomics.STREAM_VERSION


def test_sweep_tables_carry_units_and_versions(example_path, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    pytest.importorskip("xarray")
    s = inferonomics.load_scenario(example_path).with_values({"workload.batch": [8, 64]})
    r = inferonomics.sweep(s, samples=300, seed=2)
    path = r.write(tmp_path / "t.parquet")
    meta = json.loads(pq.read_schema(path).metadata[b"inferonomics"])
    assert meta["schema_version"] == inferonomics.SCHEMA_VERSION and meta["seed"] == 2
    assert meta["units"]["tpot_s_p95"] == "s" and meta["units"]["feasible_fraction"] == "fraction"
    assert pq.read_table(path).num_rows == 2
    ds = r.to_xarray()
    assert ds["usd_per_mtok"].attrs["units"] == "USD/Mtok"
    assert ds.attrs["stream_version"] == inferonomics.STREAM_VERSION
    assert r.to_pandas().attrs["units"]["gco2_per_mtok_mean"] == "gCO2e/Mtok"
    assert np.isfinite(r.to_pandas()["usd_per_mtok_p50"]).all()
