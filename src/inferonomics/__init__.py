"""inferonomics: what it really costs to run AI models, as distributions.

The public surface::

    load_scenario(path_or_dict) -> Scenario
    simulate(scenario, samples=..., seed=..., backend="reference") -> Result
    evaluate(**inputs) -> Outputs          one sample, explicit inputs
    evaluate_batch(arrays) -> arrays       many explicit samples, on a native core
    register_hardware / register_model / load_catalog_file
"""

from .api import Result, available_backends, evaluate, evaluate_batch, simulate
from .catalog import load_catalog_file, register_hardware, register_model
from .errors import BackendUnavailable, InferonomicsError, ScenarioError
from .parameters import PARAMETERS
from .reference import METRIC_NAMES, Outputs
from .scenario import Plan, Scenario, load_scenario
from .summary import Summary

__version__ = "0.1.0"

__all__ = [
    "BackendUnavailable", "InferonomicsError", "METRIC_NAMES", "Outputs", "PARAMETERS", "Plan",
    "Result", "Scenario", "ScenarioError", "Summary", "available_backends", "evaluate", "evaluate_batch",
    "load_catalog_file", "load_scenario", "register_hardware", "register_model", "simulate",
]
