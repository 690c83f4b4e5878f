#pragma once

#include <cstdio>

// An invariant of a fuzz target: on violation, say which and trap, so that libFuzzer keeps the
// input as a crash (crash-<sha1>) with the stack of the failed check.
#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__,            \
                         #condition);                                                              \
            std::fflush(stderr);                                                                   \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (false)
