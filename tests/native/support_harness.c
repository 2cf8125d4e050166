/* Prints py_min, py_max and pow_ of the generated model (csrc/generated/model.h) for pairs of
 * doubles read from stdin (binary, pairs of float64), as three float64 per pair on stdout.
 * The whole core is compiled into this file so its static functions are visible. */
#include <stdio.h>

#include "inferonomics.c"

int main(void) {
    double ab[2];
    while (fread(ab, sizeof(double), 2, stdin) == 2) {
        double out[3] = {py_min(ab[0], ab[1]), py_max(ab[0], ab[1]), pow_(ab[0], ab[1])};
        fwrite(out, sizeof(double), 3, stdout);
    }
    return 0;
}
