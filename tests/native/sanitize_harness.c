/* Drives the C core for tests/test_sanitizers.py, built with -fsanitize=address,undefined.
 *
 * stdin:  n_choice (int64), kinds[N] (int32), params[N*8] (double), integer[N] (int32),
 *         choice_values[n_choice], choice_weights[n_choice] (double), seed (uint64), n (int64)
 * stdout: status_counts[3] (int64), inputs[n*N], outputs[n*INF_N_OUTPUTS] (double), from inf_simulate's
 *         keep mode; then outputs again from inf_evaluate on those inputs.
 * (N = INF_N_INPUTS.) Also checks that every entry point refuses arrays one element too short. Exit 0 on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inferonomics.h"

static void read_all(void *p, size_t size, size_t n) {
    if (fread(p, size, n, stdin) != n) { fprintf(stderr, "short read\n"); exit(3); }
}

int main(void) {
    int64_t n_choice, n;
    uint64_t seed;
    int32_t kinds[INF_N_INPUTS], integer[INF_N_INPUTS];
    double params[INF_N_INPUTS * INF_N_DIST_PARAMS];
    read_all(&n_choice, sizeof n_choice, 1);
    read_all(kinds, sizeof(int32_t), INF_N_INPUTS);
    read_all(params, sizeof(double), INF_N_INPUTS * INF_N_DIST_PARAMS);
    read_all(integer, sizeof(int32_t), INF_N_INPUTS);
    /* exact-size heap buffers, so ASan catches any read or write past them */
    double *cv = malloc(sizeof(double) * (size_t)n_choice), *cw = malloc(sizeof(double) * (size_t)n_choice);
    read_all(cv, sizeof(double), (size_t)n_choice);
    read_all(cw, sizeof(double), (size_t)n_choice);
    read_all(&seed, sizeof seed, 1);
    read_all(&n, sizeof n, 1);

    int64_t chunk = n / 3 + 1, n_chunks = (n + chunk - 1) / chunk;
    int64_t status[INF_N_STATUS] = {0, 0, 0};
    int64_t moments_len = n_chunks * INF_N_METRICS * INF_MOMENTS;
    int64_t hist_len = (int64_t)INF_N_METRICS * INF_SKETCH_BUCKETS;
    double *moments = malloc(sizeof(double) * (size_t)moments_len);
    int64_t *hist = calloc((size_t)hist_len, sizeof(int64_t));
    double *in = malloc(sizeof(double) * (size_t)(n * INF_N_INPUTS));
    double *out = malloc(sizeof(double) * (size_t)(n * INF_N_OUTPUTS));
    double *out2 = malloc(sizeof(double) * (size_t)(n * INF_N_OUTPUTS));
    double *drawn = malloc(sizeof(double) * (size_t)(n * INF_N_INPUTS));

    int rc = inf_simulate(kinds, params, integer, cv, cw, n_choice, seed, 0, n, chunk, 2, status,
                          INF_N_STATUS, moments, moments_len, hist, hist_len, in, out, n);
    if (rc != INF_OK) { fprintf(stderr, "simulate rc=%d\n", rc); return 4; }
    rc = inf_evaluate(in, n * INF_N_INPUTS, n, out2, n * INF_N_OUTPUTS, 2);
    if (rc != INF_OK) { fprintf(stderr, "evaluate rc=%d\n", rc); return 4; }
    rc = inf_draw_inputs(kinds, params, integer, cv, cw, n_choice, seed, 0, n, drawn, n * INF_N_INPUTS);
    if (rc != INF_OK || memcmp(drawn, in, sizeof(double) * (size_t)(n * INF_N_INPUTS)) != 0) {
        fprintf(stderr, "draw_inputs differs from simulate's draws\n");
        return 5;
    }
    double checksum;
    if (inf_draw_only(kinds, params, integer, cv, cw, n_choice, seed, 0, n, 2, &checksum) != INF_OK) return 5;

    /* Every length one short must be refused, not written past. */
    int refused = inf_simulate(kinds, params, integer, cv, cw, n_choice, seed, 0, n, chunk, 2, status,
                               INF_N_STATUS - 1, moments, moments_len, hist, hist_len, 0, 0, 0) == INF_E_LENGTH
        && inf_simulate(kinds, params, integer, cv, cw, n_choice, seed, 0, n, chunk, 2, status,
                        INF_N_STATUS, moments, moments_len - 1, hist, hist_len, 0, 0, 0) == INF_E_LENGTH
        && inf_simulate(kinds, params, integer, cv, cw, n_choice, seed, 0, n, chunk, 2, status,
                        INF_N_STATUS, moments, moments_len, hist, hist_len - 1, 0, 0, 0) == INF_E_LENGTH
        && inf_simulate(kinds, params, integer, cv, cw, n_choice, seed, 0, n, chunk, 2, status,
                        INF_N_STATUS, moments, moments_len, hist, hist_len, in, out, n - 1) == INF_E_LENGTH
        && inf_evaluate(in, n * INF_N_INPUTS - 1, n, out2, n * INF_N_OUTPUTS, 1) == INF_E_LENGTH
        && inf_evaluate(in, n * INF_N_INPUTS, n, out2, n * INF_N_OUTPUTS - 1, 1) == INF_E_LENGTH
        && inf_draw_inputs(kinds, params, integer, cv, cw, n_choice, seed, 0, n, drawn,
                           n * INF_N_INPUTS - 1) == INF_E_LENGTH
        && inf_simulate(kinds, params, integer, cv, cw, n_choice, seed, 5, 4, chunk, 1, status,
                        INF_N_STATUS, moments, moments_len, hist, hist_len, 0, 0, 0) == INF_E_ARGUMENT;
    if (!refused) { fprintf(stderr, "a short array was not refused\n"); return 6; }

    fwrite(status, sizeof(int64_t), INF_N_STATUS, stdout);
    fwrite(in, sizeof(double), (size_t)(n * INF_N_INPUTS), stdout);
    fwrite(out, sizeof(double), (size_t)(n * INF_N_OUTPUTS), stdout);
    fwrite(out2, sizeof(double), (size_t)(n * INF_N_OUTPUTS), stdout);
    free(cv); free(cw); free(moments); free(hist); free(in); free(out); free(out2); free(drawn);
    return 0;
}
