/* What the sanitizer harnesses share: hostile calls checked with EXPECT, and a plan's arrays with
 * their lengths so a test can spoil one of them. */
#ifndef INFERONOMICS_TEST_HOSTILE_H
#define INFERONOMICS_TEST_HOSTILE_H

#include <stdint.h>
#include <stdio.h>

static int failures = 0;

/* A hostile call must return `want`; print the line of each that does not. */
#define EXPECT(want, call)                                                                  \
    do {                                                                                    \
        int32_t got_ = (call);                                                              \
        if (got_ != (want)) {                                                               \
            fprintf(stderr, "line %d: returned %d, expected %s\n", __LINE__, got_, #want);  \
            failures++;                                                                     \
        }                                                                                   \
    } while (0)

typedef struct {
    const int32_t *kinds; int64_t kinds_len;
    const double *params; int64_t params_len;
    const int32_t *integer; int64_t integer_len;
    const double *cv; int64_t cv_len;
    const double *cw; int64_t cw_len;
} plan_args;
#define PLAN(a) (a).kinds, (a).kinds_len, (a).params, (a).params_len, (a).integer, \
                (a).integer_len, (a).cv, (a).cv_len, (a).cw, (a).cw_len

/* The plan with each of its arrays spoilt in turn (NULL, then one element short), and the code
 * each call must return; the choice tables are read only when a choice input indexes them. */
#define N_SPOILT 10
typedef struct { plan_args plan; int32_t want; } spoilt_plan;

static void spoil_plan(plan_args plan, int64_t has_choice, int32_t null_code, int32_t short_code,
                       int32_t ok_code, spoilt_plan out[N_SPOILT]) {
    const int32_t choice_short = has_choice ? short_code : ok_code;
    for (int i = 0; i < N_SPOILT; i++) out[i].plan = plan;
    out[0].plan.kinds = NULL;        out[0].want = null_code;
    out[1].plan.params = NULL;       out[1].want = null_code;
    out[2].plan.integer = NULL;      out[2].want = null_code;
    out[3].plan.cv = NULL;           out[3].want = null_code;
    out[4].plan.cw = NULL;           out[4].want = null_code;
    out[5].plan.kinds_len -= 1;      out[5].want = short_code;
    out[6].plan.params_len -= 1;     out[6].want = short_code;
    out[7].plan.integer_len -= 1;    out[7].want = short_code;
    out[8].plan.cv_len -= 1;         out[8].want = choice_short;
    out[9].plan.cw_len -= 1;         out[9].want = choice_short;
}

#endif
