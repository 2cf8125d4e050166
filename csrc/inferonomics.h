/* inferonomics C core: the cost model of inferonomics.reference, fused with sampling and summaries.
 *
 * Everything here mirrors the Python reference (src/inferonomics/model/reference.py, distributions.py,
 * rng.py, summary.py) formula by formula; tests hold the two together. The plan arrays are laid out
 * by src/inferonomics/encoding.py. Every function checks the lengths it is given and returns a
 * negative INF_E_* code instead of writing outside them.
 */
#ifndef INFERONOMICS_H
#define INFERONOMICS_H

#include <stdint.h>

#include "generated/registry.h"   /* INF_N_INPUTS, INF_N_OUTPUTS, INF_N_METRICS, INF_N_STATUS */

#define INF_N_DIST_PARAMS 8
#define INF_MOMENTS 5            /* count, mean, m2, min, max */
#define INF_SKETCH_BUCKETS 16386
#define INF_MAX_SPAN 1073741824  /* samples per inf_simulate call (2**30) */

#define INF_OK 0
#define INF_E_LENGTH -1          /* an array is shorter than the call needs */
#define INF_E_ARGUMENT -2        /* a count or range is out of bounds */
#define INF_E_MEMORY -3          /* allocation failed */

/* Names of the inputs and outputs, in order; the binding checks them against Python's. */
const char *inf_input_name(int32_t i);
const char *inf_output_name(int32_t i);
int32_t inf_have_openmp(void);

/* Draw the inputs of samples start .. start+n-1 into out[n * INF_N_INPUTS] (sample-major). */
int32_t inf_draw_inputs(const int32_t *kinds, const double *params, const int32_t *integer,
                        const double *choice_values, const double *choice_weights, int64_t n_choice,
                        uint64_t seed, int64_t start, int64_t n, double *out, int64_t out_len);

/* Evaluate explicit inputs[n * INF_N_INPUTS] into outputs[n * INF_N_OUTPUTS]. */
int32_t inf_evaluate(const double *inputs, int64_t inputs_len, int64_t n, double *outputs,
                     int64_t outputs_len, int32_t threads);

/* Benchmark floor: draw the inputs of samples start .. stop-1 exactly as inf_simulate does and
 * nothing else; *checksum receives their sum so the work cannot be optimised away. */
int32_t inf_draw_only(const int32_t *kinds, const double *params, const int32_t *integer,
                      const double *choice_values, const double *choice_weights, int64_t n_choice,
                      uint64_t seed, int64_t start, int64_t stop, int32_t threads, double *checksum);

/* Monte Carlo over samples start .. stop-1 in chunks of `chunk` samples (the last may be short).
 *   status_counts[INF_N_STATUS]                      += counts by status
 *   chunk_moments[n_chunks * INF_N_METRICS * 5]      per chunk and metric: count, mean, m2, min, max
 *   hist[INF_N_METRICS * INF_SKETCH_BUCKETS]         += sketch bucket counts
 *   keep_inputs / keep_outputs (may be NULL)         per-sample rows, (stop - start) rows each
 * At most INF_MAX_SPAN samples per call. Chunks are independent, so any thread count gives the
 * same numbers. */
int32_t inf_simulate(const int32_t *kinds, const double *params, const int32_t *integer,
                     const double *choice_values, const double *choice_weights, int64_t n_choice,
                     uint64_t seed, int64_t start, int64_t stop, int64_t chunk, int32_t threads,
                     int64_t *status_counts, int64_t status_len,
                     double *chunk_moments, int64_t moments_len,
                     int64_t *hist, int64_t hist_len,
                     double *keep_inputs, double *keep_outputs, int64_t keep_rows);

/* Sweep grids, factorised. The grid's dimensions ("groups") are enumerated from the point index:
 * group g has radix[g] values and owns the inputs owned_param[owned_offset[g] ..
 * owned_offset[g+1]); value j of group g sets its k-th owned input from table row
 * row_offset[g] + j * n_owned(g) + k. Grid point p takes its digits in C order (the last group
 * varies fastest); inputs no group owns keep the base plan's value. At most 64 groups. */
#define INF_MAX_QUANTILES 16

/* Deterministic sweep: points start .. stop-1, inputs = base_values overridden by table_values;
 * outputs[(stop - start) * INF_N_OUTPUTS] as inf_evaluate. */
int32_t inf_sweep_evaluate(const double *base_values, int32_t n_groups, const int64_t *radix,
                           const int32_t *owned_offset, const int32_t *owned_param,
                           int64_t n_owned_total, const int64_t *row_offset,
                           const double *table_values, int64_t table_len, int64_t start,
                           int64_t stop, int32_t threads, double *outputs, int64_t outputs_len);

/* Monte Carlo sweep: for each point start .. stop-1, the plan (kinds, params) with its owned rows
 * replaced from table_kinds / table_params[row * INF_N_DIST_PARAMS], simulated over samples
 * 0 .. samples-1 (common random numbers across points) exactly as inf_simulate in chunks of `chunk`.
 * Per point: status_counts[INF_N_STATUS], moments[INF_N_METRICS * 5] (count, mean, m2, min, max,
 * chunks merged in order) and quantile_values[INF_N_METRICS * n_quantiles] of the ascending
 * quantiles[] (NaN where a metric has no feasible sample). samples <= INF_MAX_SPAN. */
int32_t inf_sweep_simulate(const int32_t *kinds, const double *params, const int32_t *integer,
                           const double *choice_values, const double *choice_weights,
                           int64_t n_choice, int32_t n_groups, const int64_t *radix,
                           const int32_t *owned_offset, const int32_t *owned_param,
                           int64_t n_owned_total, const int64_t *row_offset,
                           const int32_t *table_kinds, const double *table_params, int64_t table_len,
                           uint64_t seed, int64_t samples, int64_t chunk, const double *quantiles,
                           int32_t n_quantiles, int64_t start, int64_t stop, int32_t threads,
                           int64_t *status_counts, int64_t status_len, double *moments,
                           int64_t moments_len, double *quantile_values, int64_t quantile_len);

#endif
