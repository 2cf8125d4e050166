"""Catalogs of hardware and models: spec sheets with their sources, shipped as TOML in ``data/``.

Users add their own entries with :func:`register_hardware` / :func:`register_model` (a dict), with
:func:`load_catalog_file` (a TOML file with ``[hardware.ID]`` and ``[models.ID]`` tables), or from a
scenario's top-level ``catalog = ["file.toml"]``. An entry has the same keys as the shipped ones; see
``data/hardware.toml`` and ``data/models.toml``.
"""

from __future__ import annotations

import contextlib
import math
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Mapping

from ..errors import ScenarioError, suggest
from ..model.registry import HARDWARE_FIELDS, MODEL_FIELDS, PARAMETER_BY_NAME
from . import pricebook
from .checks import as_float, describe, is_number, parse_number, read_toml_file

KINDS = ("hardware", "models")
SECTION_OF_KIND = {"hardware": "hardware", "models": "model"}

# Keys an entry may carry besides the model/hardware parameters themselves.
HARDWARE_INFO_KEYS = ("name", "vendor", "kind", "launch_year", "interconnect", "usd_per_hour",
                      "purchase_usd", "price_source", "embodied_kgco2", "source", "notes",
                      "estimated")
MODEL_INFO_KEYS = ("name", "hf_repo", "attention", "vocab_size", "max_context", "tied_embeddings",
                   "source", "notes", "estimated")
ENTRY_KEYS = {
    "hardware": frozenset(HARDWARE_FIELDS) | frozenset(HARDWARE_INFO_KEYS),
    "models": frozenset(MODEL_FIELDS) | frozenset(MODEL_INFO_KEYS),
}
REQUIRED_KEYS = {
    "hardware": ("name", "memory_gb", "memory_bw_gbps", "tdp_w", "idle_w"),
    "models": ("name", "total_params_b", "active_params_b", "n_layers", "d_model", "n_heads",
               "n_kv_heads", "head_dim", "d_ff"),
}
NUMERIC_INFO_KEYS = {"usd_per_hour": (0.0, None), "purchase_usd": (0.0, None),
                     "embodied_kgco2": (0.0, None)}

PRICES = "prices"
"""A catalog file may also hold ``[prices.ID...]`` figures: the price book's shape (see
:mod:`inferonomics.io.pricebook`), merged over the shipped book figure by figure."""
FILE_TABLES = KINDS + (PRICES,)

_user_entries: dict[str, dict[str, dict]] = {"hardware": {}, "models": {}, PRICES: {}}


def check_entry(kind: str, entry_id: str, entry: Mapping, *, where: str) -> dict:
    """Validate one catalog entry and return it as a plain dict. ``where`` prefixes error paths."""
    if not isinstance(entry, Mapping):
        raise ScenarioError(where, f"must be a table of specs, got {type(entry).__name__}")
    out = dict(entry)
    for key in out:
        if key not in ENTRY_KEYS[kind]:
            raise ScenarioError(f"{where}.{key}",
                                f"unknown key{suggest(key, ENTRY_KEYS[kind])}; allowed: "
                                + ", ".join(sorted(ENTRY_KEYS[kind])))
    for key in REQUIRED_KEYS[kind]:
        if key not in out:
            raise ScenarioError(f"{where}.{key}", "missing (every catalog entry needs "
                                + ", ".join(REQUIRED_KEYS[kind]) + ")")
    for key, value in out.items():
        if key in PARAMETER_BY_NAME:
            param = PARAMETER_BY_NAME[key]
            out[key] = parse_number(f"{where}.{key}", value, param)
        elif key in NUMERIC_INFO_KEYS:
            number = as_float(f"{where}.{key}", value) if is_number(value) else math.nan
            if not math.isfinite(number) or number < 0:
                raise ScenarioError(f"{where}.{key}", f"must be a finite number >= 0, got "
                                    f"{describe(value)}")
            out[key] = value if isinstance(value, int) and abs(value) < 2**53 else number
    if out.get("idle_w", 0) > out.get("tdp_w", float("inf")):
        raise ScenarioError(f"{where}.idle_w", f"must not exceed tdp_w ({out['tdp_w']} W)")
    if kind == "models" and out["active_params_b"] > out["total_params_b"]:
        raise ScenarioError(f"{where}.active_params_b", "must not exceed total_params_b")
    return out


@lru_cache(maxsize=None)
def _builtin(kind: str) -> dict[str, dict]:
    text = resources.files("inferonomics").joinpath("data", f"{kind}.toml").read_bytes()
    raw = tomllib.loads(text.decode("utf-8"))
    return {eid: check_entry(kind, eid, entry, where=f"catalog {kind}.{eid}")
            for eid, entry in raw.items()}


def entries(kind: str, extra: Mapping[str, Mapping] | None = None) -> dict[str, dict]:
    """All entries of ``kind`` ("hardware" or "models"): shipped, then registered, then ``extra``
    (later ones replace earlier ones with the same id)."""
    merged = dict(_builtin(kind))
    merged.update(_user_entries[kind])
    if extra:
        merged.update(extra)
    return merged


def lookup(kind: str, entry_id: str, extra: Mapping[str, Mapping] | None = None) -> dict:
    """The entry ``entry_id``; an unknown id raises an error naming the closest ids."""
    table = entries(kind, extra)
    if entry_id not in table:
        section = SECTION_OF_KIND[kind]
        raise ScenarioError(f"{section}.id", f"unknown {section} id {entry_id!r}"
                            f"{suggest(entry_id, table)}; `inferonomics catalog {kind}` lists them")
    return table[entry_id]


def register_hardware(hardware_id: str, spec: Mapping) -> None:
    """Add (or replace) hardware ``hardware_id`` for this process. ``spec`` uses the keys of
    ``data/hardware.toml``: at least name, memory_gb, memory_bw_gbps, tdp_w, idle_w."""
    _user_entries["hardware"][hardware_id] = check_entry(
        "hardware", hardware_id, spec, where=f"hardware {hardware_id}")


def register_model(model_id: str, spec: Mapping) -> None:
    """Add (or replace) model ``model_id`` for this process; keys as in ``data/models.toml``."""
    _user_entries["models"][model_id] = check_entry(
        "models", model_id, spec, where=f"model {model_id}")


def read_catalog_file(path: str | Path) -> dict[str, dict[str, dict]]:
    """Parse and validate a TOML file of ``[hardware.ID]`` / ``[models.ID]`` tables without
    registering it."""
    raw = read_toml_file(path, "catalog", "catalog file")
    out: dict[str, dict[str, dict]] = {kind: {} for kind in FILE_TABLES}
    for kind, table in raw.items():
        if kind not in FILE_TABLES:
            raise ScenarioError(f"catalog {path}: {kind}",
                                f"unknown table{suggest(kind, FILE_TABLES)}; use [hardware.ID], "
                                "[models.ID] or [prices.ID...]")
        if not isinstance(table, Mapping):
            raise ScenarioError(f"catalog {path}: {kind}", "must hold [hardware.ID] / [models.ID] / "
                                "[prices.ID...] tables")
        for eid, entry in table.items():
            if kind == PRICES:
                out[kind][eid] = pricebook.device_figure_tables(f"{path}: prices.{eid}", entry)
            else:
                out[kind][eid] = check_entry(kind, eid, entry, where=f"{path}: {kind}.{eid}")
    return out


def merge_prices(into: dict[str, dict], new: Mapping[str, Mapping]) -> None:
    """Price figures of another file over ``into``, figure by figure (a file that gives only a
    device's purchase price keeps the rent another file gave)."""
    for device, figures in new.items():
        into[device] = {**into.get(device, {}), **figures}


def registered_prices() -> dict[str, dict]:
    """Price figures registered from catalog files for this process (``--catalog``)."""
    return {device: dict(figures) for device, figures in _user_entries[PRICES].items()}


@contextlib.contextmanager
def scoped_registrations():
    """Entries registered inside the ``with`` block are forgotten after it (earlier ones are kept):
    a command's ``--catalog FILE`` applies to that command, also when the CLI's ``main`` runs
    many times in one process, as in tests."""
    saved = {kind: dict(table) for kind, table in _user_entries.items()}
    try:
        yield
    finally:
        for kind, table in saved.items():
            _user_entries[kind].clear()
            _user_entries[kind].update(table)


def load_catalog_file(path: str | Path) -> list[str]:
    """Register every entry of a catalog file for this process; returns the ids added."""
    parsed = read_catalog_file(path)
    for kind in KINDS:
        _user_entries[kind].update(parsed[kind])
    merge_prices(_user_entries[PRICES], parsed[PRICES])
    return [eid for kind in FILE_TABLES for eid in parsed[kind]]
