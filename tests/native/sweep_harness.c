/* Drives the C core's sweep entry points for tests/test_sanitizers.py, built with
 * -fsanitize=address,undefined, every array in an exact-size heap buffer.
 *
 * stdin:  n_choice, n_groups, n_owned, n_rows, samples, n_q, points, has_choice (int64);
 *         kinds[N] (int32), params[N*8], base_medians[N] (double), integer[N] (int32),
 *         choice_values[n_choice], choice_weights[n_choice] (double),
 *         radix[n_groups] (int64), owned_offset[n_groups+1] (int32), owned_param[n_owned] (int32),
 *         row_offset[n_groups] (int64), table_kinds[n_rows] (int32), table_params[n_rows*8],
 *         table_medians[n_rows], quantiles[n_q] (double), seed (uint64)
 *         (has_choice: whether the plan or a table row uses the choice tables)
 * stdout: inf_sweep_evaluate's outputs[points*INF_N_OUTPUTS], then inf_sweep_simulate's
 *         status[points*INF_N_STATUS] (int64), moments[points*INF_N_METRICS*INF_MOMENTS] and
 *         quantiles[points*INF_N_METRICS*n_q] (double).
 * Then hostile calls (huge counts, every array one element short, NULL): each must return its
 * error code. (N = INF_N_INPUTS.) Exit 0 on success. */
#include <stdio.h>
#include <stdlib.h>

#include "inferonomics.h"

#define N_PARAMS (INF_N_INPUTS * INF_N_DIST_PARAMS)
#define ISSUE_COUNT 723401728380766731LL   /* the issue's: times 51 it wrapped around to 49 */
/* Times INF_N_OUTPUTS (an output row) this wraps around (mod 2**64) to a small positive int64. */
#define WRAPPING_COUNT ((int64_t)(UINT64_MAX / INF_N_OUTPUTS + 1))
#define CHUNK 1000

static void *read_new(size_t size, int64_t n) {
    void *p = malloc(size * (size_t)(n > 0 ? n : 1));
    if (n > 0 && fread(p, size, (size_t)n, stdin) != (size_t)n) { fprintf(stderr, "short read\n"); exit(3); }
    return p;
}

#include "hostile.h"   /* failures, EXPECT, plan_args, PLAN */

/* A grid's arrays with their lengths, so a test can spoil one of them. */
typedef struct {
    int32_t n_groups;
    const int64_t *radix; int64_t radix_len;
    const int32_t *owned_offset; int64_t owned_offset_len;
    const int32_t *owned_param; int64_t owned_param_len;
    const int64_t *row_offset; int64_t row_offset_len;
} grid_args;
#define GRID(g) (g).n_groups, (g).radix, (g).radix_len, (g).owned_offset, (g).owned_offset_len, \
                (g).owned_param, (g).owned_param_len, (g).row_offset, (g).row_offset_len

int main(void) {
    int64_t *head = read_new(sizeof(int64_t), 8);
    int64_t n_choice = head[0], n_groups = head[1], n_owned = head[2], n_rows = head[3];
    int64_t samples = head[4], n_q = head[5], points = head[6], has_choice = head[7];
    int32_t *kinds = read_new(sizeof(int32_t), INF_N_INPUTS);
    double *params = read_new(sizeof(double), N_PARAMS);
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
    const plan_args plan = {kinds, INF_N_INPUTS, params, N_PARAMS, integer, INF_N_INPUTS,
                            cv, n_choice, cw, n_choice};
    const grid_args grid = {(int32_t)n_groups, radix, n_groups, owned_offset, n_groups + 1,
                            owned_param, n_owned, row_offset, n_groups};
    const int64_t tp_len = n_rows * INF_N_DIST_PARAMS;

    int64_t out_len = points * INF_N_OUTPUTS, st_len = points * INF_N_STATUS;
    int64_t mo_len = points * INF_N_METRICS * INF_MOMENTS, qv_len = points * INF_N_METRICS * n_q;
    double *out = malloc(sizeof(double) * (size_t)out_len);
    int64_t *status = malloc(sizeof(int64_t) * (size_t)st_len);
    double *moments = malloc(sizeof(double) * (size_t)mo_len);
    double *qv = malloc(sizeof(double) * (size_t)(qv_len > 0 ? qv_len : 1));

/* The two entry points on the harness's arrays, with the plan, grid, range and one array chosen
 * by the caller (the rest exactly as long as they are). */
#define EVALUATE(g, base_, base_len, table_len, stop, out_, out_len_) \
    inf_sweep_evaluate(base_, base_len, GRID(g), table_medians, table_len, 0, stop, 2, out_, out_len_)
#define SIMULATE(p, g, tk_len, tp_len_, samples_, chunk, qs_, stop, st, st_len_, mo, mo_len_, q, q_len) \
    inf_sweep_simulate(PLAN(p), GRID(g), table_kinds, tk_len, table_params, tp_len_, *seed,        \
                       samples_, chunk, qs_, (int32_t)n_q, 0, stop, 2, st, st_len_, mo, mo_len_, q, q_len)

    int rc = EVALUATE(grid, base, INF_N_INPUTS, n_rows, points, out, out_len);
    if (rc != INF_OK) { fprintf(stderr, "sweep_evaluate rc=%d\n", rc); return 4; }
    rc = SIMULATE(plan, grid, n_rows, tp_len, samples, CHUNK, qs, points, status, st_len, moments,
                  mo_len, qv, qv_len);
    if (rc != INF_OK) { fprintf(stderr, "sweep_simulate rc=%d\n", rc); return 4; }
    fwrite(out, sizeof(double), (size_t)out_len, stdout);
    fwrite(status, sizeof(int64_t), (size_t)st_len, stdout);
    fwrite(moments, sizeof(double), (size_t)mo_len, stdout);
    fwrite(qv, sizeof(double), (size_t)qv_len, stdout);

    /* Huge counts: a stop whose row count times the row length wraps around or exceeds int64. */
    const int64_t huge[] = {ISSUE_COUNT, WRAPPING_COUNT, INF_MAX_INDEX, INT64_MAX};
    for (int i = 0; i < 4; i++) {
        int32_t want = huge[i] > INF_MAX_INDEX ? INF_E_ARGUMENT : INF_E_LENGTH;
        EXPECT(want, EVALUATE(grid, base, INF_N_INPUTS, n_rows, huge[i], out, out_len));
        EXPECT(want, SIMULATE(plan, grid, n_rows, tp_len, samples, CHUNK, qs, huge[i], status,
                              st_len, moments, mo_len, qv, qv_len));
        EXPECT(INF_E_ARGUMENT, SIMULATE(plan, grid, n_rows, tp_len, huge[i], CHUNK, qs, points,
                                        status, st_len, moments, mo_len, qv, qv_len));
    }
    /* A point past the grid's last, and a chunk of INT64_MAX (one chunk, no overflow). */
    EXPECT(INF_E_ARGUMENT, EVALUATE(grid, base, INF_N_INPUTS, n_rows, points + 1, out,
                                    out_len + INF_N_OUTPUTS));
    EXPECT(INF_OK, SIMULATE(plan, grid, n_rows, tp_len, samples, INT64_MAX, qs, points, status,
                            st_len, moments, mo_len, qv, qv_len));

    /* Outputs and quantiles one element short, then NULL. */
    EXPECT(INF_E_LENGTH, EVALUATE(grid, base, INF_N_INPUTS, n_rows, points, out, out_len - 1));
    EXPECT(INF_E_NULL, EVALUATE(grid, base, INF_N_INPUTS, n_rows, points, NULL, out_len));
    EXPECT(INF_E_LENGTH, EVALUATE(grid, base, INF_N_INPUTS - 1, n_rows, points, out, out_len));
    EXPECT(INF_E_NULL, EVALUATE(grid, NULL, INF_N_INPUTS, n_rows, points, out, out_len));
    EXPECT(INF_E_LENGTH, SIMULATE(plan, grid, n_rows, tp_len, samples, CHUNK, qs, points, status,
                                  st_len - 1, moments, mo_len, qv, qv_len));
    EXPECT(INF_E_LENGTH, SIMULATE(plan, grid, n_rows, tp_len, samples, CHUNK, qs, points, status,
                                  st_len, moments, mo_len - 1, qv, qv_len));
    EXPECT(INF_E_LENGTH, SIMULATE(plan, grid, n_rows, tp_len, samples, CHUNK, qs, points, status,
                                  st_len, moments, mo_len, qv, qv_len - 1));
    EXPECT(INF_E_NULL, SIMULATE(plan, grid, n_rows, tp_len, samples, CHUNK, qs, points, NULL,
                                st_len, moments, mo_len, qv, qv_len));
    EXPECT(INF_E_NULL, SIMULATE(plan, grid, n_rows, tp_len, samples, CHUNK, qs, points, status,
                                st_len, NULL, mo_len, qv, qv_len));
    EXPECT(INF_E_NULL, SIMULATE(plan, grid, n_rows, tp_len, samples, CHUNK, qs, points, status,
                                st_len, moments, mo_len, NULL, qv_len));
    EXPECT(n_q ? INF_E_NULL : INF_OK, SIMULATE(plan, grid, n_rows, tp_len, samples, CHUNK, NULL,
                                               points, status, st_len, moments, mo_len, qv, qv_len));

    /* The table one row short: only a grid with groups reads its last row. */
    const int32_t table_short = n_groups ? INF_E_LENGTH : INF_OK;
    EXPECT(table_short, EVALUATE(grid, base, INF_N_INPUTS, n_rows - 1, points, out, out_len));
    EXPECT(table_short, SIMULATE(plan, grid, n_rows - 1, tp_len, samples, CHUNK, qs, points,
                                 status, st_len, moments, mo_len, qv, qv_len));
    EXPECT(table_short, SIMULATE(plan, grid, n_rows, tp_len - 1, samples, CHUNK, qs, points,
                                 status, st_len, moments, mo_len, qv, qv_len));

    /* Each grid array spoilt in turn. An array of length 0 (no groups, no owned inputs) is never
     * read, so may be NULL. */
    struct { grid_args grid; int32_t want; } spoilt_grid[10];
    for (int i = 0; i < N_SPOILT; i++) spoilt_grid[i].grid = grid;
    spoilt_grid[0].grid.radix = NULL;         spoilt_grid[0].want = n_groups ? INF_E_NULL : INF_OK;
    spoilt_grid[1].grid.owned_offset = NULL;  spoilt_grid[1].want = INF_E_NULL;
    spoilt_grid[2].grid.owned_param = NULL;   spoilt_grid[2].want = n_owned ? INF_E_NULL : INF_OK;
    spoilt_grid[3].grid.row_offset = NULL;    spoilt_grid[3].want = n_groups ? INF_E_NULL : INF_OK;
    spoilt_grid[4].grid.radix_len -= 1;        spoilt_grid[4].want = INF_E_LENGTH;
    spoilt_grid[5].grid.owned_offset_len -= 1; spoilt_grid[5].want = INF_E_LENGTH;
    spoilt_grid[6].grid.owned_param_len -= 1;  spoilt_grid[6].want = INF_E_LENGTH;
    spoilt_grid[7].grid.row_offset_len -= 1;   spoilt_grid[7].want = INF_E_LENGTH;
    spoilt_grid[8].grid.n_groups = 65;         spoilt_grid[8].want = INF_E_ARGUMENT;  /* > 64 */
    spoilt_grid[9].grid.n_groups = -1;         spoilt_grid[9].want = INF_E_ARGUMENT;
    for (int i = 0; i < N_SPOILT; i++) {
        const grid_args g = spoilt_grid[i].grid;
        EXPECT(spoilt_grid[i].want, EVALUATE(g, base, INF_N_INPUTS, n_rows, points, out, out_len));
        EXPECT(spoilt_grid[i].want, SIMULATE(plan, g, n_rows, tp_len, samples, CHUNK, qs, points,
                                             status, st_len, moments, mo_len, qv, qv_len));
    }

    /* Each plan array spoilt in turn; the choice tables are read only when something uses them. */
    spoilt_plan spoilt[N_SPOILT];
    spoil_plan(plan, has_choice, INF_E_NULL, INF_E_LENGTH, INF_OK, spoilt);
    for (int i = 0; i < N_SPOILT; i++)
        EXPECT(spoilt[i].want, SIMULATE(spoilt[i].plan, grid, n_rows, tp_len, samples, CHUNK, qs,
                                        points, status, st_len, moments, mo_len, qv, qv_len));

    void *all[] = {head, kinds, params, base, integer, cv, cw, radix, owned_offset, owned_param,
                   row_offset, table_kinds, table_params, table_medians, qs, seed, out, status,
                   moments, qv};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]);
    if (failures) { fprintf(stderr, "%d hostile calls were not refused\n", failures); return 6; }
    return 0;
}
