"""TEMPORARY: moves into registry.py once the quality inputs land there."""
from ..sampling.distributions import LogNormal, Triangular, Uniform
from .registry import INF, MAX_USD, Parameter, _p

MAX_DECLINE = 0.99   # a price may fall by at most 99 % a year: the cost stays positive
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

API_PARAMETERS: tuple[Parameter, ...] = (
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
# ``inferonomics horizon``: the options' costs over years of falling prices (issue 12, part 6).
MAX_HORIZON_YEARS = 30
MAX_MIGRATION_MONTHS = 12      # a migration is charged within the year of the switch
DEFAULT_DISCOUNT_RATE = Triangular(0.07, 0.10, 0.15)
"""The cost of capital of GPU owners, CoreWeave 10-Q effective rates 7-15 %, 9-11 % typical
(ECONOMICS.md §3.2, 2025): the same prior as own mode's ``cost.cost_of_capital``."""
DEFAULT_RENT_DECLINE = Triangular(0.0, 0.15, 0.28)
"""Yearly fall of GPU rental prices: hyperscaler list prices about flat, neoclouds -22 % in 2025
(FT/RBC), -28 %/yr implied by AWS p5's 2024 1-year against 3-year reservation prices (x0.72/yr),
with a rebound of +40 % from October 2025 to March 2026 (SemiAnalysis) (ECONOMICS.md §3.6)."""
DEFAULT_HARDWARE_DECLINE = Uniform(0.245, 0.30)
"""Yearly fall of the cost of the same work on newly bought hardware: FLOP/s per USD doubles every
2.07-2.46 years (Epoch 2022: -24.5..-28.5 %/yr), -30 %/yr (Epoch 2024) (ECONOMICS.md §3.6)."""
DEFAULT_API_PRICE_FACTOR = LogNormal(10.0, 1.4)
"""Yearly division of API prices at fixed capability: 10x/yr central (a16z 2024, "LLMflation"),
9x-900x/yr across capability thresholds (Epoch AI 2025, "LLM inference prices have fallen rapidly
but unequally across tasks") (ECONOMICS.md §3.6). sigma 1.4 puts p5 near 1 (no fall, as for one
fixed model at one provider) and p95 near 100."""

HORIZON_PARAMETERS: tuple[Parameter, ...] = (
    _p("horizon", "years", "years", 1, MAX_HORIZON_YEARS, "Years over which the options are costed.",
       default=4.0, integer=True, stream=71),
    _p("horizon", "discount_rate", "fraction/yr", 0, 1,
       "Yearly rate at which later payments are discounted to today.",
       default=DEFAULT_DISCOUNT_RATE, stream=72),
    _p("horizon", "rent_decline_per_year", "fraction/yr", -1, MAX_DECLINE,
       "Yearly fall of rental prices (negative: a rise).", default=DEFAULT_RENT_DECLINE, stream=73),
    _p("horizon", "hardware_decline_per_year", "fraction/yr", -1, MAX_DECLINE,
       "Yearly fall of the cost of the same work on hardware bought that year.",
       default=DEFAULT_HARDWARE_DECLINE, stream=74),
    _p("horizon", "api_price_factor_per_year", "x/yr", 0, INF,
       "Yearly division of API prices (10: a tenth a year later; 1: flat).",
       default=DEFAULT_API_PRICE_FACTOR, low_open=True, typical=(1.0, 1000.0), stream=75),
    _p("horizon", "switching_usd", "USD", 0, MAX_USD,
       "One-time cost of moving to an option other than the current one (horizon.current).",
       default=0.0, typical=(0.0, 1e6), stream=76),
    _p("horizon", "migration_months", "months", 0, MAX_MIGRATION_MONTHS,
       "Months after a switch during which the new option runs at migration_efficiency.",
       default=0.0, stream=77),
    _p("horizon", "migration_efficiency", "fraction", 0, 1,
       "Share of its normal output the new option gives while migrating (its cost is divided by it).",
       default=1.0, low_open=True, stream=78),
)

API_PROVIDER_STREAM = 70
"""The stream that picks, per sample, which provider's prices an ``[api] model`` offered by several
providers takes (one draw, so a provider's input and output prices stay together)."""
ANALYSIS_PARAMETERS: tuple[Parameter, ...] = API_PARAMETERS + HORIZON_PARAMETERS
ANALYSIS_PARAMETER_BY_PATH: dict[str, Parameter] = {p.path: p for p in ANALYSIS_PARAMETERS}
ANALYSIS_SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(p.section for p in ANALYSIS_PARAMETERS))
