"""``inferonomics catalog``: list the hardware or model catalog, or the price book, as a table or
with every field and its sources as JSON."""

from __future__ import annotations

from ..errors import ScenarioError
from ..io import api_prices, catalog, pricebook
from .common import add_catalog_option, dump_json, fmt, print_table

CATALOG_COLUMNS = {
    "hardware": ("memory_gb", "memory_bw_gbps", "tflops_16", "tflops_8", "tflops_4", "tdp_w",
                 "interconnect_gbps"),
    "models": ("total_params_b", "active_params_b", "n_layers", "d_model", "n_heads", "n_kv_heads",
               "n_experts", "experts_per_token", "attention"),
}
PRICE_COLUMNS = ("rent.hyperscaler", "rent.specialist", "rent.marketplace", "reserved.one_year",
                 "reserved.three_year", "spot.price", "purchase.usd")
"""The price book's table: median of each prior (USD per device-hour; purchase in USD)."""


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("catalog", help="list the hardware or model catalog, or the price book")
    p.add_argument("kind", choices=catalog.KINDS + ("prices", "apis"))
    p.add_argument("--model", metavar="SUBSTRING", help="apis: only models whose id contains it "
                   "(punctuation ignored: llama-3.3-70b matches Meta-Llama-3.3-70B-Instruct)")
    p.add_argument("--json", action="store_true", help="every field, with sources, as JSON (dates "
                   "as ISO 8601 text; prices: an object keyed by hardware id)")
    add_catalog_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    if args.kind == "prices":
        return _prices(args)
    if args.kind == "apis":
        return _apis(args)
    if args.model is not None:
        raise ScenarioError("--model", "applies to `inferonomics catalog apis` only")
    table = catalog.entries(args.kind)   # shipped, then --catalog files (loaded by main)
    if args.json:
        dump_json(table, indent=1)
        return 0
    cols = CATALOG_COLUMNS[args.kind]
    rows = [("id",) + cols]
    for eid, entry in table.items():
        rows.append((eid,) + tuple("" if entry.get(c) is None else
                                   (fmt(entry[c]) if isinstance(entry[c], float) else str(entry[c]))
                                   for c in cols))
    print_table(rows, left=range(len(rows[0])))
    print(f"\n{len(table)} entries; sources: inferonomics catalog {args.kind} --json")
    return 0


def _prices(args) -> int:
    book = pricebook.device_prices(catalog.registered_prices())
    if args.json:
        dump_json({device: {path: figure.to_dict() for path, figure in figures.items()}
                   for device, figures in book.items()}, indent=1)
        return 0
    rows = [("id",) + PRICE_COLUMNS + ("as of",)]
    for device, figures in book.items():
        cells = tuple(fmt(figures[c].distribution().median()) if c in figures else ""
                      for c in PRICE_COLUMNS)
        dates = sorted(f.as_of for c, f in figures.items() if c in PRICE_COLUMNS)
        rows.append((device,) + cells + ((f"{dates[0]}..{dates[-1]}" if dates else ""),))
    print_table(rows, left=(0,))
    print(f"\n{len(book)} devices; medians of each prior, USD per device-hour (purchase: USD per "
          f"device); default tier {pricebook.default_tier()}; bands and sources: inferonomics "
          "catalog prices --json")
    return 0


def _apis(args) -> int:
    prices = (api_prices.matching(args.model) if args.model is not None
              else [p for p in api_prices.api_prices().values() if not p.deprecated])
    origin = api_prices.source()
    if not prices:
        raise ScenarioError("--model", f"no API price for a model matching {args.model!r}; "
                            "`inferonomics catalog apis` lists them")
    if args.json:
        dump_json({"source": origin, "models": {p.id: {"provider": p.provider, "name": p.name,
                                                       "input": p.input, "output": p.output,
                                                       "cache_read": p.cache_read}
                                                for p in prices},
                   "spread": api_prices.spread(prices)}, indent=1)
        return 0
    rows = [("provider/model", "input", "output", "cache read")]
    rows += [(p.id, fmt(p.input), fmt(p.output), "" if p.cache_read is None else fmt(p.cache_read))
             for p in prices]
    print_table(rows, left=(0,))
    summary = api_prices.spread(prices)
    print(f"\n{len(prices)} entries, USD per million tokens; input {fmt(summary['input']['min'])}"
          f"..{fmt(summary['input']['median'])}..{fmt(summary['input']['max'])}, output "
          f"{fmt(summary['output']['min'])}..{fmt(summary['output']['median'])}.."
          f"{fmt(summary['output']['max'])} (min..median..max); {origin['package']}, extracted "
          f"{origin['extracted']} ({origin['licence']})")
    return 0
