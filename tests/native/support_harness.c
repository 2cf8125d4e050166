/* Prints py_min, py_max and pow_ of the generated model (csrc/generated/model.h) for pairs of
 * doubles read from stdin (binary, pairs of float64), as three float64 per pair on stdout; with
 * the argument "unary", log1p_ and expm1_ of single doubles, as two float64 each.
 * The whole core is compiled into this file so its static functions are visible. */
#include <stdio.h>
#include <string.h>

#include "inferonomics.c"

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "unary") == 0) {
        double x;
        while (fread(&x, sizeof(double), 1, stdin) == 1) {
            double out[2] = {log1p_(x), expm1_(x)};
            fwrite(out, sizeof(double), 2, stdout);
        }
        return 0;
    }
    double ab[2];
    while (fread(ab, sizeof(double), 2, stdin) == 2) {
        double out[3] = {py_min(ab[0], ab[1]), py_max(ab[0], ab[1]), pow_(ab[0], ab[1])};
        fwrite(out, sizeof(double), 3, stdout);
    }
    return 0;
}
