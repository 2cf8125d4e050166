"""``inferonomics catalog``: list the hardware or model catalog, as a table or with every field and
its sources as JSON."""

from __future__ import annotations

from ..io import catalog
from .common import add_catalog_option, dump_json, fmt, print_table

CATALOG_COLUMNS = {
    "hardware": ("memory_gb", "memory_bw_gbps", "tflops_16", "tflops_8", "tflops_4", "tdp_w",
                 "interconnect_gbps", "usd_per_hour"),
    "models": ("total_params_b", "active_params_b", "n_layers", "d_model", "n_heads", "n_kv_heads",
               "n_experts", "experts_per_token", "attention"),
}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("catalog", help="list the hardware or model catalog")
    p.add_argument("kind", choices=catalog.KINDS)
    p.add_argument("--json", action="store_true", help="every field, with sources, as JSON (dates "
                   "as ISO 8601 text)")
    add_catalog_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
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
