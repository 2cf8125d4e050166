/* Drives the C core's sweep entry points for tests/test_sanitizers.py, built with
 * -fsanitize=address,undefined, every array in an exact-size heap buffer.
 *
 * stdin:  n_choice, n_groups, n_owned, n_rows, samples, n_q, points (int64);
 *         kinds[N] (int32), params[N*8], base_medians[N] (double), integer[N] (int32),
 *         choice_values[n_choice], choice_weights[n_choice] (double),
 *         radix[n_groups] (int64), owned_offset[n_groups+1] (int32), owned_param[n_owned] (int32),
 *         row_offset[n_groups] (int64), table_kinds[n_rows] (int32), table_params[n_rows*8],
 *         table_medians[n_rows], quantiles[n_q] (double), seed (uint64)
 * stdout: inf_sweep_evaluate's outputs[points*INF_N_OUTPUTS], then inf_sweep_simulate's status[points*3]
 *         (int64), moments[points*INF_N_METRICS*INF_MOMENTS] and quantiles[points*INF_N_METRICS*n_q] (double).
 * Also checks that output arrays one element short and a table one row short are refused.
 * (N = INF_N_INPUTS.) Exit 0 on success. */
#include <stdio.h>
#include <stdlib.h>

#include "inferonomics.h"

static void *read_new(size_t size, int64_t n) {
    void *p = malloc(size * (size_t)(n > 0 ? n : 1));
    if (n > 0 && fread(p, size, (size_t)n, stdin) != (size_t)n) { fprintf(stderr, "short read\n"); exit(3); }
    return p;
}

int main(void) {
    int64_t *head = read_new(sizeof(int64_t), 7);
    int64_t n_choice = head[0], n_groups = head[1], n_owned = head[2], n_rows = head[3];
    int64_t samples = head[4], n_q = head[5], points = head[6];
    int32_t *kinds = read_new(sizeof(int32_t), INF_N_INPUTS);
    double *params = read_new(sizeof(double), INF_N_INPUTS * INF_N_DIST_PARAMS);
    double *base = read_new(sizeof(double), INF_N_INPUTS);
    int32_t *integer = read_new(sizeof(int32_t), INF_N_INPUTS);
    double *cv = read_new(sizeof(double), n_choice), *cw = read_new(sizeof(double), n_choice);
    int64_t *radix = read_new(sizeof(int64_t), n_groups);
    int32_t *owned_offset = read_new(sizeof(int32_t), n_groups + 1);
    int32_t *owned_param = read_new(sizeof(int32_t), n_owned);
    int64_t *row_offset = read_new(sizeof(int64_t), n_groups);
    int32_t *table_kinds = read_new(sizeof(int32_t), n_rows);
    double *table_params = read_new(sizeof(double), n_rows * INF_N_DIST_PARAMS);
    double *table_medians = read_new(sizeof(double), n_rows);
    double *qs = read_new(sizeof(double), n_q);
    uint64_t *seed = read_new(sizeof(uint64_t), 1);

    int64_t out_len = points * INF_N_OUTPUTS, st_len = points * INF_N_STATUS;
    int64_t mo_len = points * INF_N_METRICS * INF_MOMENTS, qv_len = points * INF_N_METRICS * n_q;
    double *out = malloc(sizeof(double) * (size_t)out_len);
    int64_t *status = malloc(sizeof(int64_t) * (size_t)st_len);
    double *moments = malloc(sizeof(double) * (size_t)mo_len);
    double *qv = malloc(sizeof(double) * (size_t)(qv_len > 0 ? qv_len : 1));

    int rc = inf_sweep_evaluate(base, (int32_t)n_groups, radix, owned_offset, owned_param, n_owned,
                                row_offset, table_medians, n_rows, 0, points, 2, out, out_len);
    if (rc != INF_OK) { fprintf(stderr, "sweep_evaluate rc=%d\n", rc); return 4; }
    rc = inf_sweep_simulate(kinds, params, integer, cv, cw, n_choice, (int32_t)n_groups, radix,
                            owned_offset, owned_param, n_owned, row_offset, table_kinds,
                            table_params, n_rows, *seed, samples, 1000, qs, (int32_t)n_q, 0, points,
                            2, status, st_len, moments, mo_len, qv, qv_len);
    if (rc != INF_OK) { fprintf(stderr, "sweep_simulate rc=%d\n", rc); return 4; }

    /* Too-short outputs and a table one row short must be refused, not written or read past. */
    int refused =
        inf_sweep_evaluate(base, (int32_t)n_groups, radix, owned_offset, owned_param, n_owned,
                           row_offset, table_medians, n_rows, 0, points, 2, out, out_len - 1) == INF_E_LENGTH
        && (n_groups == 0   /* no group reads the table */
            || inf_sweep_evaluate(base, (int32_t)n_groups, radix, owned_offset, owned_param,
                                  n_owned, row_offset, table_medians, n_rows - 1, 0, points, 2, out,
                                  out_len) == INF_E_ARGUMENT)
        && inf_sweep_evaluate(base, (int32_t)n_groups, radix, owned_offset, owned_param, n_owned,
                              row_offset, table_medians, n_rows, 0, points + 1, 2, out,
                              out_len + INF_N_OUTPUTS) == INF_E_ARGUMENT
        && inf_sweep_simulate(kinds, params, integer, cv, cw, n_choice, (int32_t)n_groups, radix,
                              owned_offset, owned_param, n_owned, row_offset, table_kinds,
                              table_params, n_rows, *seed, samples, 1000, qs, (int32_t)n_q, 0, points,
                              2, status, st_len - 1, moments, mo_len, qv, qv_len) == INF_E_LENGTH
        && (n_groups == 0
            || inf_sweep_simulate(kinds, params, integer, cv, cw, n_choice, (int32_t)n_groups,
                                  radix, owned_offset, owned_param, n_owned, row_offset, table_kinds,
                                  table_params, n_rows - 1, *seed, samples, 1000, qs, (int32_t)n_q,
                                  0, points, 2, status, st_len, moments, mo_len, qv,
                                  qv_len) == INF_E_ARGUMENT);
    /* An owned count that disagrees with owned_offset must be refused, not looped over. */
    refused = refused
        && inf_sweep_simulate(kinds, params, integer, cv, cw, n_choice, (int32_t)n_groups, radix,
                              owned_offset, owned_param, n_owned + 1, row_offset, table_kinds,
                              table_params, n_rows, *seed, samples, 1000, qs, (int32_t)n_q, 0, points,
                              2, status, st_len, moments, mo_len, qv, qv_len) == INF_E_ARGUMENT;
    if (!refused) { fprintf(stderr, "a short array was not refused\n"); return 6; }

    fwrite(out, sizeof(double), (size_t)out_len, stdout);
    fwrite(status, sizeof(int64_t), (size_t)st_len, stdout);
    fwrite(moments, sizeof(double), (size_t)mo_len, stdout);
    fwrite(qv, sizeof(double), (size_t)qv_len, stdout);
    void *all[] = {head, kinds, params, base, integer, cv, cw, radix, owned_offset, owned_param,
                   row_offset, table_kinds, table_params, table_medians, qs, seed, out, status,
                   moments, qv};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]);
    return 0;
}
