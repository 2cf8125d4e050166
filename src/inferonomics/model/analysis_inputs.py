"""TEMPORARY: moves into registry.py once the quality inputs land there."""
from .registry import MAX_USD, Parameter, _p
# ------------------------------------------------------------------------------------------------
# Inputs of the analyses above one replica
# ------------------------------------------------------------------------------------------------
# ``inferonomics api`` sets an API's token prices against self-hosting a demand of so many tokens a
# month. These inputs describe the market and the demand, not a replica, so the cores never take
# them: the analysis draws them from the same counter-based generator, sample by sample, on streams
# of the same id space (sample i of an analysis pairs with sample i of the replica's run: common
# random numbers). They are checked like model inputs when a scenario loads.

MAX_TOKENS_PER_MONTH = 1e18   # a billion billion: far above any one service's volume
MAX_REQUESTS_PER_S = 1e9

ANALYSIS_PARAMETERS: tuple[Parameter, ...] = (
    _p("api", "input_usd_per_mtok", "USD/Mtok", 0, MAX_USD,
       "API list price per million input (prompt) tokens.", typical=(0.0, 100.0), stream=62),
    _p("api", "output_usd_per_mtok", "USD/Mtok", 0, MAX_USD,
       "API list price per million output tokens.", typical=(0.0, 200.0), stream=63),
    _p("api", "cache_read_usd_per_mtok", "USD/Mtok", 0, MAX_USD,
       "API price per million input tokens read from its prompt cache; default: the input price.",
       typical=(0.0, 100.0), stream=64),
    _p("demand", "tokens_per_month", "tokens/month", 0, MAX_TOKENS_PER_MONTH,
       "Input plus output tokens a month, split in the workload's input:output ratio.",
       low_open=True, typical=(1e6, 1e13), stream=65),
    _p("demand", "input_tokens_per_month", "tokens/month", 0, MAX_TOKENS_PER_MONTH,
       "Input (prompt) tokens a month.", low_open=True, typical=(1e6, 1e13), stream=66),
    _p("demand", "output_tokens_per_month", "tokens/month", 0, MAX_TOKENS_PER_MONTH,
       "Output tokens a month.", low_open=True, typical=(1e6, 1e13), stream=67),
    _p("demand", "requests_per_s", "1/s", 0, MAX_REQUESTS_PER_S,
       "Mean requests per second over the month, each of the workload's input and output tokens.",
       low_open=True, typical=(0.01, 1e4), stream=68),
    _p("demand", "cache_hit_share", "fraction", 0, 1,
       "Share of input tokens an API serves from its prompt cache (billed at the cache price).",
       default=0.0, stream=69),
)
API_PROVIDER_STREAM = 70
"""The stream that picks, per sample, which provider's prices an ``[api] model`` offered by several
providers takes (one draw, so a provider's input and output prices stay together)."""
ANALYSIS_PARAMETER_BY_PATH: dict[str, Parameter] = {p.path: p for p in ANALYSIS_PARAMETERS}
ANALYSIS_SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(p.section for p in ANALYSIS_PARAMETERS))
