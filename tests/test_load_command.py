"""``inferonomics load`` and a scenario's ``[load]``: one replica under Poisson arrivals from the
command line, the MLPerf server conventions (a rate, a TTFT percentile, TTFT/TPOT targets)."""

import json

import pytest

from inferonomics import ScenarioError, cli, load_scenario, replica_under_load

SERVER = {
    "name": "server",
    "model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
    "workload": {"batch": "max", "input_tokens": 300, "output_tokens": 200, "ttft_slo_s": 2.0,
                 "tpot_slo_s": 0.2},
    "cost": {"usd_per_device_hour": 2.0},
    "load": {"arrival_rate": 5.0, "percentile": 0.9},
}


def test_the_scenarios_load_is_the_default_rate_and_percentile():
    from_file = replica_under_load(SERVER, samples=8)
    given = replica_under_load(SERVER, 5.0, percentile=0.9, samples=8)
    assert (from_file.arrival_rate, from_file.percentile) == (5.0, 0.9)
    assert from_file.to_dict() == given.to_dict()
    other = replica_under_load(SERVER, 10.0, samples=8)   # an argument wins over the file
    assert other.arrival_rate == 10.0 and other.percentile == 0.9


def test_a_load_is_one_number_in_range():
    with pytest.raises(ScenarioError, match="load.arrival_rate: must be one number"):
        load_scenario({**SERVER, "load": {"arrival_rate": {"dist": "uniform", "low": 1, "high": 2}}})
    with pytest.raises(ScenarioError, match="load.percentile"):
        load_scenario({**SERVER, "load": {"percentile": 1.0}})
    with pytest.raises(ScenarioError, match="load.rate: unknown key"):
        load_scenario({**SERVER, "load": {"rate": 1.0}})
    without = {k: v for k, v in SERVER.items() if k != "load"}
    with pytest.raises(ScenarioError, match="load.arrival_rate: missing"):
        replica_under_load(without, samples=4)


def test_load_command_prints_the_queue_figures(tmp_path, capsys):
    path = tmp_path / "server.toml"
    path.write_text("""
name = "server"
[model]
id = "llama-2-7b"
[hardware]
id = "h100-sxm"
[workload]
batch = "max"
input_tokens = 300
output_tokens = 200
ttft_slo_s = 2.0
tpot_slo_s = 0.2
[cost]
usd_per_device_hour = 2.0
[load]
arrival_rate = 5.0
""")
    assert cli.main(["load", str(path), "--samples", "8"]) == 0
    text = capsys.readouterr().out
    assert "5 requests/s to one replica" in text and "TTFT percentile 0.99" in text
    for label in ("TTFT, percentile", "goodput at the targets", "KV-cache capacity"):
        assert label in text
    assert cli.main(["load", str(path), "--samples", "8", "--rate", "7", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["arrival_rate"] == 7.0 and data["samples"] == 8
    assert data["ttft_p_s"]["p50"] > 0


def test_load_command_refuses_a_bad_rate_in_one_line(tmp_path, capsys):
    path = tmp_path / "server.toml"
    path.write_text('name = "s"\n[model]\nid = "llama-2-7b"\n[hardware]\nid = "h100-sxm"\n'
                    '[workload]\nbatch = 8\ninput_tokens = 100\noutput_tokens = 100\n'
                    '[cost]\nusd_per_device_hour = 2.0\n')
    assert cli.main(["load", str(path), "--samples", "4"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "load.arrival_rate: missing" in err
    assert cli.main(["load", str(path), "--samples", "4", "--rate", "-2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "arrival_rate" in err and "-2" in err
