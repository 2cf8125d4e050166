/* Drives the C core for tests/test_sanitizers.py, built with -fsanitize=address,undefined.
 *
 * stdin:  n_choice (int64), kinds[N] (int32), params[N*8] (double), integer[N] (int32),
 *         choice_values[n_choice], choice_weights[n_choice] (double), seed (uint64), n (int64),
 *         has_choice (int64: whether a choice input uses the choice tables)
 * stdout: status_counts[INF_N_STATUS] (int64), inputs[n*N], outputs[n*INF_N_OUTPUTS] (double), from
 *         inf_simulate's keep mode; then outputs again from inf_evaluate on those inputs.
 * (N = INF_N_INPUTS.) Then hostile calls to every entry point (huge counts, arrays one element
 * short, NULL): each must return its error code, and the sanitizers see nothing read or written
 * outside the exact-size buffers. Exit 0 on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inferonomics.h"

#define N_PARAMS (INF_N_INPUTS * INF_N_DIST_PARAMS)
#define ISSUE_COUNT 723401728380766731LL   /* the issue's: times 51 it wrapped around to 49 */
/* Times INF_N_INPUTS this wraps around (mod 2**64) to a small positive int64. */
#define WRAPPING_COUNT ((int64_t)(UINT64_MAX / INF_N_INPUTS + 1))

static void read_all(void *p, size_t size, size_t n) {
    if (fread(p, size, n, stdin) != n) { fprintf(stderr, "short read\n"); exit(3); }
}

#include "hostile.h"   /* failures, EXPECT, plan_args, PLAN */

/* Fold every metric (exact-size heap array, filled in main). */
static int32_t *fold_all;
#define FOLD fold_all, INF_N_METRICS

int main(void) {
    int64_t n_choice, n, has_choice;
    fold_all = malloc(sizeof(int32_t) * INF_N_METRICS);
    for (int m = 0; m < INF_N_METRICS; m++) fold_all[m] = m;
    uint64_t seed;
    int32_t kinds[INF_N_INPUTS], integer[INF_N_INPUTS];
    double params[N_PARAMS];
    read_all(&n_choice, sizeof n_choice, 1);
    read_all(kinds, sizeof(int32_t), INF_N_INPUTS);
    read_all(params, sizeof(double), N_PARAMS);
    read_all(integer, sizeof(int32_t), INF_N_INPUTS);
    /* exact-size heap buffers, so ASan catches any read or write past them */
    double *cv = malloc(sizeof(double) * (size_t)n_choice), *cw = malloc(sizeof(double) * (size_t)n_choice);
    read_all(cv, sizeof(double), (size_t)n_choice);
    read_all(cw, sizeof(double), (size_t)n_choice);
    read_all(&seed, sizeof seed, 1);
    read_all(&n, sizeof n, 1);
    read_all(&has_choice, sizeof has_choice, 1);
    const plan_args plan = {kinds, INF_N_INPUTS, params, N_PARAMS, integer, INF_N_INPUTS,
                            cv, n_choice, cw, n_choice};

    int64_t chunk = n / 3 + 1, n_chunks = (n + chunk - 1) / chunk;
    int64_t status[INF_N_STATUS] = {0};
    int64_t moments_len = n_chunks * INF_N_METRICS * INF_MOMENTS;
    int64_t hist_len = (int64_t)INF_N_METRICS * INF_SKETCH_BUCKETS;
    int64_t in_len = n * INF_N_INPUTS, out_len = n * INF_N_OUTPUTS;
    double *moments = malloc(sizeof(double) * (size_t)moments_len);
    int64_t *hist = calloc((size_t)hist_len, sizeof(int64_t));
    double *in = malloc(sizeof(double) * (size_t)in_len);
    double *out = malloc(sizeof(double) * (size_t)out_len);
    double *out2 = malloc(sizeof(double) * (size_t)out_len);
    double *drawn = malloc(sizeof(double) * (size_t)in_len);

    int rc = inf_simulate(PLAN(plan), seed, 0, n, chunk, 2, FOLD, status, INF_N_STATUS, moments,
                          moments_len, hist, hist_len, in, in_len, out, out_len, INF_FLOAT64);
    if (rc != INF_OK) { fprintf(stderr, "simulate rc=%d\n", rc); return 4; }
    rc = inf_evaluate(in, in_len, n, out2, out_len, 2, INF_FLOAT64);
    if (rc != INF_OK) { fprintf(stderr, "evaluate rc=%d\n", rc); return 4; }
    rc = inf_draw_inputs(PLAN(plan), seed, 0, n, drawn, in_len);
    if (rc != INF_OK || memcmp(drawn, in, sizeof(double) * (size_t)in_len) != 0) {
        fprintf(stderr, "draw_inputs differs from simulate's draws\n");
        return 5;
    }
    double checksum;
    if (inf_draw_only(PLAN(plan), seed, 0, n, 2, &checksum) != INF_OK) return 5;
    fwrite(status, sizeof(int64_t), INF_N_STATUS, stdout);
    fwrite(in, sizeof(double), (size_t)in_len, stdout);
    fwrite(out, sizeof(double), (size_t)out_len, stdout);
    fwrite(out2, sizeof(double), (size_t)out_len, stdout);

    /* Huge counts, whose product with a row length wraps around or leaves int64; one-row buffers. */
    const int64_t huge[] = {ISSUE_COUNT, WRAPPING_COUNT, INF_MAX_INDEX, INT64_MAX};
    for (int i = 0; i < 4; i++) {
        EXPECT(INF_E_LENGTH, inf_evaluate(in, INF_N_INPUTS, huge[i], out2, INF_N_OUTPUTS, 1, INF_FLOAT64));
        EXPECT(huge[i] > INF_MAX_INDEX ? INF_E_ARGUMENT : INF_E_LENGTH,
               inf_draw_inputs(PLAN(plan), seed, 0, huge[i], drawn, INF_N_INPUTS));
        EXPECT(INF_E_ARGUMENT, inf_simulate(PLAN(plan), seed, 0, huge[i], chunk, 1, FOLD, status,
                                            INF_N_STATUS, moments, moments_len, hist, hist_len,
                                            in, INF_N_INPUTS, out, INF_N_OUTPUTS, INF_FLOAT64));
    }
    EXPECT(INF_E_ARGUMENT, inf_draw_only(PLAN(plan), seed, 0, INT64_MAX, 1, &checksum));
    EXPECT(INF_E_ARGUMENT, inf_draw_inputs(PLAN(plan), seed, INT64_MAX, 1, drawn, in_len));
    /* Indices at the documented limit and a chunk of INT64_MAX work, without overflowing. */
    EXPECT(INF_OK, inf_draw_only(PLAN(plan), seed, INF_MAX_INDEX - 3, INF_MAX_INDEX, 1, &checksum));
    EXPECT(INF_OK, inf_draw_inputs(PLAN(plan), seed, INF_MAX_INDEX - 1, 1, drawn, in_len));
    EXPECT(INF_OK, inf_simulate(PLAN(plan), seed, INF_MAX_INDEX - 5, INF_MAX_INDEX, INT64_MAX, 1, FOLD, status,
                                INF_N_STATUS, moments, moments_len, hist, hist_len, 0, 0, 0, 0, INF_FLOAT64));
    EXPECT(INF_E_ARGUMENT, inf_simulate(PLAN(plan), seed, INF_MAX_INDEX, INF_MAX_INDEX + 1, 1, 1, FOLD, status,
                                        INF_N_STATUS, moments, moments_len, hist, hist_len, 0, 0, 0, 0, INF_FLOAT64));
    EXPECT(INF_E_ARGUMENT, inf_simulate(PLAN(plan), seed, 5, 4, chunk, 1, FOLD, status, INF_N_STATUS,
                                        moments, moments_len, hist, hist_len, 0, 0, 0, 0, INF_FLOAT64));
    /* The single-precision model over the same buffers, and a precision that does not exist. */
    EXPECT(INF_OK, inf_simulate(PLAN(plan), seed, 0, n, chunk, 2, FOLD, status, INF_N_STATUS, moments,
                                moments_len, hist, hist_len, in, in_len, out2, out_len, INF_FLOAT32));
    EXPECT(INF_E_ARGUMENT, inf_simulate(PLAN(plan), seed, 0, n, chunk, 2, FOLD, status, INF_N_STATUS,
                                        moments, moments_len, hist, hist_len, 0, 0, 0, 0, 2));

    /* Every array one element short, then NULL. */
    EXPECT(INF_E_LENGTH, inf_evaluate(in, in_len - 1, n, out2, out_len, 1, INF_FLOAT64));
    EXPECT(INF_E_LENGTH, inf_evaluate(in, in_len, n, out2, out_len - 1, 1, INF_FLOAT64));
    EXPECT(INF_E_NULL, inf_evaluate(NULL, in_len, n, out2, out_len, 1, INF_FLOAT64));
    EXPECT(INF_E_NULL, inf_evaluate(in, in_len, n, NULL, out_len, 1, INF_FLOAT64));
    EXPECT(INF_E_LENGTH, inf_draw_inputs(PLAN(plan), seed, 0, n, drawn, in_len - 1));
    EXPECT(INF_E_NULL, inf_draw_inputs(PLAN(plan), seed, 0, n, NULL, in_len));
    EXPECT(INF_E_NULL, inf_draw_only(PLAN(plan), seed, 0, n, 1, NULL));
#define SIMULATE(st, st_len, mo, mo_len, h, h_len, ki, ki_len, ko, ko_len)                        \
    inf_simulate(PLAN(plan), seed, 0, n, chunk, 2, FOLD, st, st_len, mo, mo_len, h, h_len, ki, ki_len, \
                 ko, ko_len, INF_FLOAT64)
    EXPECT(INF_E_LENGTH, SIMULATE(status, INF_N_STATUS - 1, moments, moments_len, hist, hist_len, 0, 0, 0, 0));
    EXPECT(INF_E_LENGTH, SIMULATE(status, INF_N_STATUS, moments, moments_len - 1, hist, hist_len, 0, 0, 0, 0));
    EXPECT(INF_E_LENGTH, SIMULATE(status, INF_N_STATUS, moments, moments_len, hist, hist_len - 1, 0, 0, 0, 0));
    EXPECT(INF_E_LENGTH, SIMULATE(status, INF_N_STATUS, moments, moments_len, hist, hist_len, in, in_len - 1, 0, 0));
    EXPECT(INF_E_LENGTH, SIMULATE(status, INF_N_STATUS, moments, moments_len, hist, hist_len, 0, 0, out, out_len - 1));
    EXPECT(INF_E_LENGTH, SIMULATE(status, INF_N_STATUS, moments, moments_len, hist, hist_len, in, 0, 0, 0));
    EXPECT(INF_E_NULL, SIMULATE(NULL, INF_N_STATUS, moments, moments_len, hist, hist_len, 0, 0, 0, 0));
    EXPECT(INF_E_NULL, SIMULATE(status, INF_N_STATUS, NULL, moments_len, hist, hist_len, 0, 0, 0, 0));
    EXPECT(INF_E_NULL, SIMULATE(status, INF_N_STATUS, moments, moments_len, NULL, hist_len, 0, 0, 0, 0));
    EXPECT(INF_E_NULL, SIMULATE(status, INF_N_STATUS, moments, moments_len, hist, hist_len, NULL, in_len, 0, 0));
    EXPECT(INF_E_NULL, SIMULATE(status, INF_N_STATUS, moments, moments_len, hist, hist_len, 0, 0, NULL, out_len));
    /* The metric list: NULL with a length, read past its length, out of range, not ascending. */
    EXPECT(INF_E_NULL, inf_simulate(PLAN(plan), seed, 0, n, chunk, 2, NULL, 1, status, INF_N_STATUS,
                                    moments, moments_len, hist, hist_len, 0, 0, 0, 0, INF_FLOAT64));
    EXPECT(INF_E_ARGUMENT, inf_simulate(PLAN(plan), seed, 0, n, chunk, 2, fold_all, INF_N_METRICS + 1,
                                        status, INF_N_STATUS, moments, moments_len, hist, hist_len,
                                        0, 0, 0, 0, INF_FLOAT64));
    fold_all[1] = fold_all[0];
    EXPECT(INF_E_ARGUMENT, SIMULATE(status, INF_N_STATUS, moments, moments_len, hist, hist_len, 0, 0, 0, 0));
    fold_all[1] = INF_N_METRICS;
    EXPECT(INF_E_ARGUMENT, SIMULATE(status, INF_N_STATUS, moments, moments_len, hist, hist_len, 0, 0, 0, 0));
    fold_all[1] = 1;
    /* A selection folds in bounds: the last metric alone. */
    EXPECT(INF_OK, inf_simulate(PLAN(plan), seed, 0, n, chunk, 2, fold_all + INF_N_METRICS - 1, 1,
                                status, INF_N_STATUS, moments, moments_len, hist, hist_len, 0, 0, 0, 0, INF_FLOAT64));

    /* Each plan array spoilt in turn, through every entry point that reads a plan. The choice
     * tables are read only when a choice input indexes them. */
    spoilt_plan spoilt[N_SPOILT];
    spoil_plan(plan, has_choice, INF_E_NULL, INF_E_LENGTH, INF_OK, spoilt);
    for (int i = 0; i < N_SPOILT; i++) {
        const plan_args p = spoilt[i].plan;
        EXPECT(spoilt[i].want, inf_draw_inputs(PLAN(p), seed, 0, n, drawn, in_len));
        EXPECT(spoilt[i].want, inf_draw_only(PLAN(p), seed, 0, n, 1, &checksum));
        EXPECT(spoilt[i].want, inf_simulate(PLAN(p), seed, 0, n, chunk, 1, FOLD, status, INF_N_STATUS,
                                            moments, moments_len, hist, hist_len, 0, 0, 0, 0, INF_FLOAT64));
    }

    free(cv); free(cw); free(moments); free(hist); free(in); free(out); free(out2); free(drawn);
    free(fold_all);
    if (failures) { fprintf(stderr, "%d hostile calls were not refused\n", failures); return 6; }
    return 0;
}
