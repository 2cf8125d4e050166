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

#endif
