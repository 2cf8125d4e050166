"""inferonomics: what it really costs to run AI models, as distributions.

The public surface::

    load_scenario(path_or_dict) -> Scenario     .with_values({...}), .to_toml(resolved=...)
    simulate(scenario, samples=..., seed=0, backend="auto") -> Result
    evaluate(**inputs) -> Outputs          one sample, explicit inputs
    evaluate_batch(arrays) -> arrays       many explicit samples, on a native core
    register_hardware / register_model / load_catalog_file
    sweep(scenario, ...) -> SweepResult    every grid point of a scenario's lists, in the cores
    sweep_dataset(scenario, DIR, ...)      the same, written part by part to a Parquet dataset
    best / pareto_front / compare / break_even          decisions over sweeps and options
    sobol / tornado                        which uncertain input matters
    tco(scenario) -> TcoResult             own vs rent vs reserve vs spot, sample by sample
    api_or_self_host(scenario) -> ApiComparison   a month's demand through an API or own replicas
    horizon(scenario) -> HorizonResult     the options over years of falling prices, present values
    edge_or_cloud(edge, cloud) -> EdgeOrCloud   a request on an owned device, a cloud replica, an API
    fleet(scenario) -> FleetResult         replicas through time under static/reactive/scheduled policies
    replica_under_load(scenario, rate) -> UnderLoad   one replica under Poisson arrivals: TTFT, goodput
    PARAMETERS / METRICS                   the model's inputs and outputs, with units and ranges
"""

from .analysis.api_or_host import ApiComparison, api_or_self_host
from .analysis.decisions import (best, break_even, compare, compare_points, pareto_front,
                                 sweep_pareto)
from .analysis.edge_or_cloud import EdgeOrCloud, edge_or_cloud
from .analysis.horizon import HorizonResult, horizon
from .analysis.sensitivity import sobol, sobol_indices, tornado
from .analysis.sweep_dataset import SweepDataset, sweep_dataset
from .analysis.sweeps import SweepResult, sweep
from .analysis.tco import TcoResult, tco
from .api import Result, available_backends, evaluate, evaluate_batch, simulate
from .fleet.through_time import FleetResult, fleet
from .fleet.under_load import UnderLoad, replica_under_load
from .errors import BackendUnavailable, InferonomicsError, ScenarioError
from .io.catalog import load_catalog_file, register_hardware, register_model
from .io.scenario import Plan, Scenario, load_scenario
from .model.reference import Outputs
from .model.registry import METRIC_NAMES, METRICS, PARAMETERS, Metric, Parameter
from .stats.summary import Summary
from .versions import SCHEMA_VERSION, STREAM_VERSION, __version__

__all__ = [
    "ApiComparison", "api_or_self_host", "HorizonResult", "horizon", "EdgeOrCloud",
    "edge_or_cloud", "FleetResult", "fleet", "UnderLoad", "replica_under_load", "BackendUnavailable", "InferonomicsError", "METRICS", "METRIC_NAMES", "Metric",
    "Outputs",
    "PARAMETERS", "Parameter", "Plan", "SCHEMA_VERSION", "STREAM_VERSION",
    "Result", "Scenario", "ScenarioError", "Summary", "SweepResult", "available_backends", "best",
    "break_even", "compare", "compare_points", "evaluate", "evaluate_batch", "load_catalog_file",
    "load_scenario", "pareto_front", "register_hardware", "register_model", "simulate", "sobol",
    "sobol_indices", "sweep", "sweep_dataset", "SweepDataset", "sweep_pareto", "tco", "TcoResult", "tornado",
]
