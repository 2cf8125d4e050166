/* inferonomics C core: the cost model of inferonomics.reference, fused with sampling and summaries.
 *
 * Everything here mirrors the Python reference (src/inferonomics/model/reference.py, distributions.py,
 * rng.py, summary.py) formula by formula; tests hold the two together. The plan arrays are laid out
 * by src/inferonomics/encoding.py.
 *
 * Memory contract: every array comes with its length in elements (`*_len`, or the count named in its
 * comment), and a call reads and writes only inside those lengths. A call checks all its arguments
 * before it does any work, once, and returns a negative INF_E_* code if one fails: NULL with a
 * nonzero length is INF_E_NULL (a zero-length array may be NULL: nothing is read from it); an
 * array shorter than the call needs, or a plan or grid entry pointing past the end of its table,
 * is INF_E_LENGTH.
 */
#ifndef INFERONOMICS_H
#define INFERONOMICS_H

#include <stdint.h>

#include "generated/registry.h"   /* INF_N_INPUTS, INF_N_OUTPUTS, INF_N_METRICS, INF_N_STATUS */

#define INF_N_DIST_PARAMS 8
#define INF_MOMENTS 5            /* count, mean, m2, min, max */
#define INF_SKETCH_BUCKETS 32771   /* summary.SKETCH_BUCKETS: 16385 each side of a zero bucket */
#define INF_MAX_SPAN 1073741824  /* samples per inf_simulate call (2**30) */
/* Sample and grid-point indices (start, stop) stay at or below 2**62, so index arithmetic inside a
 * call (an index plus a chunk or a block) cannot overflow. */
#define INF_MAX_INDEX 4611686018427387904

#define INF_FLOAT64 0            /* inf_simulate's precision: the model in double, */
#define INF_FLOAT32 1            /* or in float */

#define INF_OK 0
#define INF_E_LENGTH -1          /* an array is shorter than the call needs */
#define INF_E_ARGUMENT -2        /* a count, a range, or a plan or grid entry is invalid */
#define INF_E_MEMORY -3          /* allocation failed */
#define INF_E_NULL -4            /* a pointer the call needs is NULL */

/* Names of the inputs and outputs, in order; the binding checks them against Python's. */
const char *inf_input_name(int32_t i);
const char *inf_output_name(int32_t i);
int32_t inf_have_openmp(void);

/* Every call that takes `threads` runs on at most that many (OpenMP's num_threads; at least 1:
 * INF_E_ARGUMENT otherwise; one thread in a build without OpenMP); the results do not depend on it. */

/* A sampling plan is five arrays (encoding.py): kinds[INF_N_INPUTS], params[INF_N_INPUTS *
 * INF_N_DIST_PARAMS], integer[INF_N_INPUTS] (round half up after drawing), and the choice tables
 * choice_values / choice_weights that choice inputs index by offset and count. */

/* Draw the inputs of samples start .. start+n-1 into out[n * INF_N_INPUTS] (sample-major). */
int32_t inf_draw_inputs(const int32_t *kinds, int64_t kinds_len, const double *params,
                        int64_t params_len, const int32_t *integer, int64_t integer_len,
                        const double *choice_values, int64_t choice_values_len,
                        const double *choice_weights, int64_t choice_weights_len,
                        uint64_t seed, int64_t start, int64_t n, double *out, int64_t out_len);

/* Evaluate explicit inputs[n * INF_N_INPUTS] into outputs[n * INF_N_OUTPUTS], the model in
 * precision INF_FLOAT64 or INF_FLOAT32 (as inf_simulate). */
int32_t inf_evaluate(const double *inputs, int64_t inputs_len, int64_t n, double *outputs,
                     int64_t outputs_len, int32_t threads, int32_t precision);

/* Benchmark floor: draw the inputs of samples start .. stop-1 exactly as inf_simulate does and
 * nothing else; *checksum (not NULL) receives their sum so the work cannot be optimised away. */
int32_t inf_draw_only(const int32_t *kinds, int64_t kinds_len, const double *params,
                      int64_t params_len, const int32_t *integer, int64_t integer_len,
                      const double *choice_values, int64_t choice_values_len,
                      const double *choice_weights, int64_t choice_weights_len,
                      uint64_t seed, int64_t start, int64_t stop, int32_t threads, double *checksum);

/* Monte Carlo over samples start .. stop-1 in chunks of `chunk` samples (the last may be short).
 *   status_counts[INF_N_STATUS]                      += counts by status
 *   chunk_moments[n_chunks * INF_N_METRICS * 5]      per chunk and metric: count, mean, m2, min, max
 *   hist[INF_N_METRICS * INF_SKETCH_BUCKETS]         += sketch bucket counts
 *   keep_inputs[(stop - start) * INF_N_INPUTS]       per-sample rows; each keep array may be NULL
 *   keep_outputs[(stop - start) * INF_N_OUTPUTS]     with length 0 (those rows are not kept)
 * Only the metrics fold[0 .. fold_len-1] (strictly ascending indices below INF_N_METRICS) are
 * folded into chunk_moments and hist; the others' rows get count 0 and their buckets are untouched.
 * precision: INF_FLOAT64, or INF_FLOAT32 to evaluate the model in float (the draws, moments and
 * sketches stay double; outputs are float values widened to double). At most INF_MAX_SPAN samples
 * per call. Chunks are independent, so any thread count gives the same numbers. */
int32_t inf_simulate(const int32_t *kinds, int64_t kinds_len, const double *params,
                     int64_t params_len, const int32_t *integer, int64_t integer_len,
                     const double *choice_values, int64_t choice_values_len,
                     const double *choice_weights, int64_t choice_weights_len,
                     uint64_t seed, int64_t start, int64_t stop, int64_t chunk, int32_t threads,
                     const int32_t *fold, int64_t fold_len,
                     int64_t *status_counts, int64_t status_len,
                     double *chunk_moments, int64_t moments_len,
                     int64_t *hist, int64_t hist_len,
                     double *keep_inputs, int64_t keep_inputs_len,
                     double *keep_outputs, int64_t keep_outputs_len, int32_t precision);

/* Sweep grids, factorised. The grid's dimensions ("groups") are enumerated from the point index:
 * group g has radix[g] values and owns the inputs owned_param[owned_offset[g] ..
 * owned_offset[g+1]); value j of group g sets its k-th owned input from table row
 * row_offset[g] + j * n_owned(g) + k. Grid point p takes its digits in C order (the last group
 * varies fastest); inputs no group owns keep the base plan's value. At most 64 groups; radix and
 * row_offset hold n_groups entries, owned_offset n_groups + 1, owned_param owned_offset[n_groups]. */
#define INF_MAX_QUANTILES 16

/* Deterministic sweep: points start .. stop-1, inputs = base_values overridden by table_values;
 * outputs[(stop - start) * INF_N_OUTPUTS] as inf_evaluate. */
int32_t inf_sweep_evaluate(const double *base_values, int64_t base_len, int32_t n_groups,
                           const int64_t *radix, int64_t radix_len,
                           const int32_t *owned_offset, int64_t owned_offset_len,
                           const int32_t *owned_param, int64_t owned_param_len,
                           const int64_t *row_offset, int64_t row_offset_len,
                           const double *table_values, int64_t table_len, int64_t start,
                           int64_t stop, int32_t threads, double *outputs, int64_t outputs_len);

/* Monte Carlo sweep: for each point start .. stop-1, the plan (kinds, params) with its owned rows
 * replaced from table_kinds / table_params[row * INF_N_DIST_PARAMS], simulated over samples
 * 0 .. samples-1 (common random numbers across points) exactly as inf_simulate in chunks of `chunk`.
 * Per point: status_counts[INF_N_STATUS], moments[INF_N_METRICS * 5] (count, mean, m2, min, max,
 * chunks merged in order) and quantile_values[INF_N_METRICS * n_quantiles] of the ascending
 * quantiles[n_quantiles] (NaN where a metric has no feasible sample). samples <= INF_MAX_SPAN.
 * The table has min(table_kinds_len, table_params_len / INF_N_DIST_PARAMS) rows. */
int32_t inf_sweep_simulate(const int32_t *kinds, int64_t kinds_len, const double *params,
                           int64_t params_len, const int32_t *integer, int64_t integer_len,
                           const double *choice_values, int64_t choice_values_len,
                           const double *choice_weights, int64_t choice_weights_len,
                           int32_t n_groups, const int64_t *radix, int64_t radix_len,
                           const int32_t *owned_offset, int64_t owned_offset_len,
                           const int32_t *owned_param, int64_t owned_param_len,
                           const int64_t *row_offset, int64_t row_offset_len,
                           const int32_t *table_kinds, int64_t table_kinds_len,
                           const double *table_params, int64_t table_params_len,
                           uint64_t seed, int64_t samples, int64_t chunk, const double *quantiles,
                           int32_t n_quantiles, int64_t start, int64_t stop, int32_t threads,
                           int64_t *status_counts, int64_t status_len, double *moments,
                           int64_t moments_len, double *quantile_values, int64_t quantile_len);

#endif
