/*
 * The CPU's fp32 FMA peak, for reading benchmark figures against: every core runs 12 independent
 * AVX-512 fused multiply-add chains (enough to hide the FMA latency), so the loop is bound by the
 * FMA units alone. Not part of the service.
 *
 *   gcc -O3 -march=native -pthread tools/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define CHAINS 12
#define ROUNDS 100000000L

static void *chains(void *out) {
    __m512 acc[CHAINS];
    __m512 scale = _mm512_set1_ps(1.0000001f), shift = _mm512_set1_ps(0.999999f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float) i);
    for (long n = 0; n < ROUNDS; n++)
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], scale, shift);
    float sum = 0;
    for (int i = 0; i < CHAINS; i++) sum += _mm512_reduce_add_ps(acc[i]);
    *(float *) out = sum;   /* kept, so the loop is not optimised away */
    return NULL;
}

int main(void) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    pthread_t threads[256];
    float sums[256];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long c = 0; c < cores && c < 256; c++) pthread_create(&threads[c], NULL, chains, &sums[c]);
    for (long c = 0; c < cores && c < 256; c++) pthread_join(threads[c], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    double flops = 2.0 * 16 * CHAINS * (double) ROUNDS * cores;   /* an FMA is 2 FLOPs, 16 floats a vector */
    printf("%ld threads: %.1f GFLOP/s fp32 (%.2f s; %g)\n", cores, flops / seconds / 1e9, seconds, sums[0]);
    return 0;
}
