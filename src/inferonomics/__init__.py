"""inferonomics: what it really costs to run AI models, as distributions.

The public surface::

    load_scenario(path_or_dict) -> Scenario
    simulate(scenario, samples=..., seed=..., backend="reference") -> Result
    evaluate(**inputs) -> Outputs          one sample, explicit inputs
    register_hardware / register_model / load_catalog_file
"""

from .api import Result, available_backends, evaluate, simulate
from .catalog import load_catalog_file, register_hardware, register_model
from .errors import BackendUnavailable, InferonomicsError, ScenarioError
from .parameters import PARAMETERS
from .reference import METRIC_NAMES, Outputs
from .scenario import Plan, Scenario, load_scenario
from .summary import Summary

__version__ = "0.1.0"

__all__ = [
    "BackendUnavailable", "InferonomicsError", "METRIC_NAMES", "Outputs", "PARAMETERS", "Plan",
    "Result", "Scenario", "ScenarioError", "Summary", "available_backends", "evaluate",
    "load_catalog_file", "load_scenario", "register_hardware", "register_model", "simulate",
]
