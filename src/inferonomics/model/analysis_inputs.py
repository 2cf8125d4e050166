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
# ``inferonomics edge``: a request on a device the user owns against the cloud (issue 12, part 4).
MAX_REQUESTS_PER_DAY = 1e9
MAX_RTT_MS = 1e6              # a thousand seconds: far beyond any route on Earth
MAX_BYTES_PER_TOKEN = 1e6
DEFAULT_EDGE_USD_PER_KWH = Triangular(0.11, 0.165, 0.30)
"""Residential electricity, USD/kWh: US average revenue per kWh sold to homes 15.45 cents in January
2024 and 16.88 in April 2024 (EIA Electricity Monthly Update, end use, data for January and April
2024), mode 16.5 cents between them; from 10.98 cents (Washington, the lowest of the contiguous
states, 2023) to 29.51 cents (California, 2023) (EIA Electric Power Annual 2023, average revenue
per kWh by state, released 2024-10-17). A business site pays less (commercial): give the price."""
DEFAULT_RTT_MS = LogNormal(40.0, 0.6)
"""Round trip from the user to the cloud region, ms: p5 15, median 40, p95 107 (our prior). Corneo
et al., "Surrounded by the Clouds", WWW 2021 (RIPE Atlas, up to 8,500 probes in homes and offices,
189 cloud datacenters): the majority of the world's population reaches a cloud region within the
80-100 ms of perceivable latency, well-served regions within the 20 ms of motion-to-photon;
secondary, 2021-2025: Utah to AWS us-east-1 55-70 ms, to Frankfurt 140-160 ms (logicalfront.com),
New York to six providers' regions 62-85 ms over WebSocket (Hathora, "Cloud latency shootout")."""
DEFAULT_USD_PER_GB = Triangular(0.05, 0.09, 0.114)
"""Data transfer out of the cloud to the internet, USD/GB (transfer in is free): AWS US East list
price 0.09 up to 10 TB a month after the first free 100 GB, falling to 0.085, 0.07 and 0.05 above
150 TB (usage.ai, leanopstech.com, wring.co, June 2026, citing the AWS pricing page); AWS Sydney
0.114 for the first 10 TB (chengqing.dev, 2020). Clouds without egress fees: give 0."""
DEFAULT_BYTES_PER_TOKEN = Triangular(4.0, 190.0, 330.0)
"""Bytes sent to the user per output token: about 4 for the text alone (the Llama 3 tokenizer
takes about 4 characters of English per token, up from about 3.2 for Llama 2: DeepLearning.AI,
"Introducing Multimodal Llama 3.2", tokenization lesson, 2024; 1 byte per ASCII character);
190 for one OpenAI-compatible server-sent event per token (our count of a documented
chat.completion.chunk, 2025); 261 for a chunk with logprobs and system_fingerprint fields (a real
OpenAI frame in Kong's ai-proxy test fixtures), plus about 70 bytes of TLS record and TCP/IP
headers when each token leaves in its own packet (our arithmetic): 330."""

EDGE_PARAMETERS: tuple[Parameter, ...] = (
    _p("edge", "requests_per_day", "1/day", 0, MAX_REQUESTS_PER_DAY,
       "Requests the edge device serves a day (one user: a few to a few thousand).",
       low_open=True, typical=(1.0, 1e5), stream=80),
    _p("edge", "share_of_use", "fraction", 0, 1,
       "Share of the device's purchase charged to these requests (a laptop also used for other "
       "work: less than 1).", default=1.0, low_open=True, stream=81),
    _p("edge", "usd_per_kwh", "USD/kWh", 0, MAX_USD,
       "Electricity price where the edge device runs (residential or commercial).",
       default=DEFAULT_EDGE_USD_PER_KWH, typical=(0.0, 1.0), stream=82),
    _p("network", "rtt_ms", "ms", 0, MAX_RTT_MS,
       "Network round trip from the user to the cloud region, added to the cloud's TTFT.",
       default=DEFAULT_RTT_MS, typical=(1.0, 500.0), stream=83),
    _p("network", "usd_per_gb", "USD/GB", 0, MAX_USD,
       "Price of data transfer out of the cloud (egress), paid by a self-hosted cloud.",
       default=DEFAULT_USD_PER_GB, typical=(0.0, 1.0), stream=84),
    _p("network", "bytes_per_token", "bytes/token", 0, MAX_BYTES_PER_TOKEN,
       "Bytes sent to the user per output token, protocol framing included.",
       default=DEFAULT_BYTES_PER_TOKEN, low_open=True, typical=(1.0, 1000.0), stream=85),
)

ANALYSIS_PARAMETERS: tuple[Parameter, ...] = API_PARAMETERS + HORIZON_PARAMETERS + EDGE_PARAMETERS
ANALYSIS_PARAMETER_BY_PATH: dict[str, Parameter] = {p.path: p for p in ANALYSIS_PARAMETERS}
ANALYSIS_SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(p.section for p in ANALYSIS_PARAMETERS))
