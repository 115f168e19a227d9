// Pulls in OpenBLAS's cblas.h (Debian installs it through the alternatives
// system as <cblas.h>); it also declares openblas_set_num_threads and
// openblas_get_corename.
#ifndef PIRL_CBLAS_SHIM_H
#define PIRL_CBLAS_SHIM_H
#include <cblas.h>

// The widest x86 vector extension this CPU supports, from CPUID through the
// compiler builtins: 2 = AVX-512F, 1 = AVX2 with FMA, 0 = neither or not x86-64.
static inline int pirl_cpu_vector_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}
#endif
