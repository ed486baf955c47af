/*
 * Plain OpenBLAS baseline for bench/kernels.ts: times cblas_sgemm on one shape, row-major, the same way
 * the TypeScript side times the addon (two warm-up calls, then the fastest of `reps`), and prints GFLOP/s.
 * Usage: kernels-sgemm M N K transA transB threads reps
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void openblas_set_num_threads(int);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s M N K transA transB threads reps\n", argv[0]);
    return 2;
  }
  const int m = atoi(argv[1]), n = atoi(argv[2]), k = atoi(argv[3]);
  const int ta = atoi(argv[4]), tb = atoi(argv[5]), threads = atoi(argv[6]), reps = atoi(argv[7]);
  openblas_set_num_threads(threads);
  float* a = malloc(sizeof(float) * m * k);
  float* b = malloc(sizeof(float) * k * n);
  float* c = malloc(sizeof(float) * m * n);
  for (long i = 0; i < (long)m * k; i++) a[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
  for (long i = 0; i < (long)k * n; i++) b[i] = (float)((i * 104729) % 1000) / 1000.0f - 0.5f;
  for (long i = 0; i < (long)m * n; i++) c[i] = 0;
  double best = 1e30;
  for (int r = -2; r < reps; r++) {
    const double t = now();
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a,
                ta ? m : k, b, tb ? k : n, 0.0f, c, n);
    const double dt = now() - t;
    if (r >= 0 && dt < best) best = dt;
  }
  printf("%.2f\n", 2.0 * m * n * k / best / 1e9);
  return 0;
}
