"""API token prices: a dated, licensed extract of genai-prices, matched by model name."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from inferonomics.errors import ScenarioError
from inferonomics.io import api_prices

ROOT = Path(__file__).resolve().parents[1]


def test_the_extract_is_dated_licensed_and_large():
    origin = api_prices.source()
    assert origin["package"].startswith("genai-prices ") and origin["licence"].startswith("MIT")
    assert len(origin["extracted"]) == 10
    assert (ROOT / "src" / "inferonomics" / "data" / "LICENSE-genai-prices").read_text().startswith(
        "The MIT License")
    prices = api_prices.api_prices()
    assert len(prices) > 1500
    assert all(math.isfinite(p.input) and p.input >= 0 and math.isfinite(p.output)
               and p.output >= 0 for p in prices.values())


def test_a_model_without_a_provider_matches_every_provider_serving_it():
    found = api_prices.matching("llama-3.3-70b")
    assert len(found) >= 10
    assert "groq/llama-3.3-70b-versatile" in {p.id for p in found}
    assert all(not p.deprecated for p in found)
    assert not any("3.1" in p.id or "3-1" in p.id for p in found)
    spread = api_prices.spread(found)
    # ECONOMICS.md §3.5 (genai-prices 0.2.3): median input 0.59, output 0.79 USD/Mtok.
    assert spread["input"]["median"] == pytest.approx(0.59, abs=0.1)
    assert spread["output"]["median"] == pytest.approx(0.79, abs=0.15)


def test_an_exact_provider_model_id_matches_only_itself():
    (one,) = api_prices.matching("groq/llama-3.3-70b-versatile")
    assert one.provider == "Groq" and one.output > one.input > 0


def test_a_blank_query_is_refused():
    with pytest.raises(ScenarioError):
        api_prices.matching("  ")


def test_cli_lists_api_prices_with_their_source(capsys):
    from inferonomics import cli

    assert cli.main(["catalog", "apis", "--model", "llama-3.3-70b", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"]["licence"].startswith("MIT") and len(data["models"]) >= 10
    assert data["spread"]["input"]["min"] <= data["spread"]["input"]["median"]
    assert cli.main(["catalog", "apis", "--model", "no-such-model-xyz"]) == 2


def test_the_refresh_script_reproduces_the_shipped_extract(tmp_path):
    pytest.importorskip("genai_prices")
    shipped = (ROOT / "src" / "inferonomics" / "data" / "api_prices.toml").read_text()
    script = (ROOT / "tools" / "refresh_api_prices.py").read_text()
    copy = tmp_path / "refresh.py"
    copy.write_text(script.replace('OUT = ROOT / "src" / "inferonomics" / "data" / "api_prices.toml"',
                                   f'OUT = __import__("pathlib").Path({str(tmp_path / "out.toml")!r})'))
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True)
    fresh = (tmp_path / "out.toml").read_text()
    same = lambda text: [l for l in text.splitlines() if "xtracted" not in l]
    assert same(fresh) == same(shipped)


def test_the_price_in_force_in_standard_hours_is_kept_not_an_off_peak_discount():
    (chat,) = api_prices.matching("deepseek/deepseek-chat")
    assert (chat.input, chat.output) == (0.27, 1.1)   # ECONOMICS.md §3.5; off-peak is half


@pytest.mark.parametrize("query, not_expected", [
    ("gpt-4.1", "gpt-4-1106-preview"), ("o1", "gemini-pro-1.5"), ("llama-3.3-70b", "3.1")])
def test_matching_takes_whole_words_and_numbers_in_a_row(query, not_expected):
    found = [p.id for p in api_prices.matching(query)]
    assert found and not any(not_expected in f for f in found)


def test_cli_json_without_a_match_is_an_error_too(capsys):
    from inferonomics import cli

    assert cli.main(["catalog", "apis", "--model", "no-such-model-xyz", "--json"]) == 2
