// tests/fuzz/fuzz_common.hpp — shared helpers for the libFuzzer targets (reliability.md F1).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

// A broken property is a finding: print it with the input and abort so libFuzzer saves the input.
#define FUZZ_CHECK(cond, input)                                                                      \
    do {                                                                                             \
        if (!(cond)) {                                                                               \
            std::fprintf(stderr, "property failed: %s at %s:%d\ninput (%zu bytes): '%.*s'\n", #cond,  \
                         __FILE__, __LINE__, (input).size(), static_cast<int>((input).size()),       \
                         (input).data());                                                            \
            std::abort();                                                                            \
        }                                                                                            \
    } while (false)
