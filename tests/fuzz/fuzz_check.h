// What every fuzz target shares: an invariant check that crashes (so
// libFuzzer keeps the input) and a deterministic way to split an input.
#ifndef KHA_TESTS_FUZZ_FUZZ_CHECK_H_
#define KHA_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define KHA_FUZZ_CHECK(condition)                                                            \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace kha::fuzz {

// Piece sizes (1..16) for feeding `size` bytes, drawn from a small PRNG
// seeded by the input, so a crash reproduces from the input alone.
inline std::vector<size_t> SplitPoints(const uint8_t* data, size_t size) {
  uint64_t state = 0x9e3779b97f4a7c15ull ^ size;
  for (size_t i = 0; i < size && i < 64; ++i) state = (state ^ data[i]) * 0x100000001b3ull;
  std::vector<size_t> pieces;
  for (size_t done = 0; done < size;) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const size_t piece = 1 + static_cast<size_t>(state % 16);
    pieces.push_back(piece < size - done ? piece : size - done);
    done += pieces.back();
  }
  return pieces;
}

}  // namespace kha::fuzz

#endif  // KHA_TESTS_FUZZ_FUZZ_CHECK_H_
