/*
 * simd.h: internal.  TOCHA_CLONES before a hot, plain loop function makes
 * GCC compile it three times - for AVX-512, for AVX2 and for baseline
 * x86-64 - and pick one when the library is loaded, from what the CPU has
 * (GCC's target_clones, resolved through an ifunc).  The library itself is
 * built for baseline x86-64 so that it runs anywhere; these few loops are
 * where wider vectors pay (elementwise kernels over megabytes in the
 * training step).  Elsewhere, or with another compiler, it is empty.
 */
#ifndef TOCHA_CORE_SIMD_H
#define TOCHA_CORE_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__gnu_linux__) && \
    !defined(TOCHA_NO_CLONES)
#define TOCHA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TOCHA_CLONES
#endif

#endif
