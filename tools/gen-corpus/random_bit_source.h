// RandomBitSource: a small, fast, fully specified pseudo-random generator
// (xoshiro256** seeded through SplitMix64).
//
// Why not <random>: std::mt19937 is specified but the std::*_distribution classes are not, so
// the same seed gives different corpora on libstdc++ and libc++. Benchmarks compare numbers
// across machines, so every bit of the corpus must follow from the seed alone. This class
// and the integer arithmetic built on it are the whole randomness of the generator.
//
// Thread safety: none; one instance per thread.
#ifndef CENTELLA_TOOLS_GEN_CORPUS_RANDOM_BIT_SOURCE_H_
#define CENTELLA_TOOLS_GEN_CORPUS_RANDOM_BIT_SOURCE_H_

#include <cstdint>

namespace centella::gen_corpus {

class RandomBitSource {
 public:
  // Any seed is fine, including 0: SplitMix64 spreads it over the 256-bit state, which is
  // never all zero.
  explicit RandomBitSource(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : state_) word = SplitMix64(x);
  }

  // Next 64 uniformly distributed bits.
  uint64_t Next() {
    const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }

  // Uniform integer in [0, bound), bound > 0. Lemire's multiply-shift: one multiplication,
  // no division. Its bias (at most bound / 2^64) is far below anything a benchmark sees.
  uint64_t Below(uint64_t bound) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * bound) >> 64);
  }

 private:
  static uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  static uint64_t SplitMix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
};

}  // namespace centella::gen_corpus

#endif  // CENTELLA_TOOLS_GEN_CORPUS_RANDOM_BIT_SOURCE_H_
