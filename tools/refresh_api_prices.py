"""Write src/inferonomics/data/api_prices.toml: per-token API prices from the ``genai-prices``
package's bundled snapshot (Pydantic Services, MIT licence), dated, so the library needs neither
that package nor a network at run time.

Usage::

    pip install genai-prices && python tools/refresh_api_prices.py

Each model's current price is taken: of its conditional prices, the last that applies on the day
of extraction in standard hours (a price starting later does not yet; a time-of-day window is
taken to apply, so off-peak discounts are not the list price); of tiered prices (long-context
tiers), the base tier. Prices are USD per million tokens: input, output and, where the provider bills it,
cached input read.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "inferonomics" / "data" / "api_prices.toml"


def _text(value: str) -> str:
    """A TOML basic string (JSON's escapes, minus its surrogate pairs, which TOML refuses)."""
    return json.dumps(value, ensure_ascii=False)


def _usd(price) -> float | None:
    """A genai-prices price (a Decimal, tiered prices, or None) as USD per million tokens: the
    base tier of a tiered price."""
    if price is None:
        return None
    base = getattr(price, "base", price)
    return float(base)


def _current(model, today: datetime.date):
    """The price a request made ``today`` in standard hours pays: genai-prices tries conditional
    prices from last to first, so the last one that applies wins; a price that starts later does
    not apply yet, a time-of-day window (DeepSeek's standard hours against its off-peak discount)
    is taken to apply."""
    from genai_prices import types

    prices = model.prices
    if isinstance(prices, types.ModelPrice):
        return prices

    def applies(conditional) -> bool:
        constraint = conditional.constraint
        if isinstance(constraint, types.StartDateConstraint):
            return constraint.start_date <= today
        return True   # no constraint, or a time-of-day window (its standard-hours price)

    applying = [p for p in prices if applies(p)]
    return (applying[-1] if applying else prices[0]).prices


def main() -> int:
    from genai_prices.data import providers

    version = importlib.metadata.version("genai-prices")
    today = datetime.date.today().isoformat()
    lines = [
        "# API prices, USD per million tokens, one table per provider/model.",
        f"# Extracted {today} by tools/refresh_api_prices.py from the bundled snapshot of",
        f"# genai-prices {version} (https://github.com/pydantic/genai-prices), Copyright (c) Pydantic",
        "# Services Inc., MIT licence (the licence text: LICENSE-genai-prices beside this file).",
        "# input/output: list price per million tokens; cache_read: cached input read, where billed.",
        "# Long-context tiers are left out (the base tier is kept): prices for the first 128-200 k tokens.",
        "",
        "[source]",
        f'package = "genai-prices {version}"',
        f'extracted = "{today}"',
        'licence = "MIT, Copyright (c) Pydantic Services Inc."',
        "",
    ]
    count = 0
    for provider in providers:
        for model in provider.models:
            price = _current(model, datetime.date.today())
            inp, out = _usd(price.input_mtok), _usd(price.output_mtok)
            if inp is None or out is None:
                continue   # image, audio or per-request pricing: not per token
            lines.append(f"[{_text(provider.id + '/' + model.id)}]")
            lines.append(f"name = {_text(model.name or model.id)}")
            lines.append(f"provider = {_text(provider.name)}")
            lines.append(f"input = {inp!r}")
            lines.append(f"output = {out!r}")
            cache = _usd(price.cache_read_mtok)
            if cache is not None:
                lines.append(f"cache_read = {cache!r}")
            if getattr(model, "deprecated", False):
                lines.append("deprecated = true")
            lines.append("")
            count += 1
    OUT.write_text("\n".join(lines))
    print(f"wrote {OUT.relative_to(ROOT)}: {count} models")
    return 0


if __name__ == "__main__":
    sys.exit(main())
