// SampleRandom: the random numbers of sampling operators (sample, range partitioning).
#ifndef CENTELLA_ENGINE_RDD_SAMPLE_RANDOM_H_
#define CENTELLA_ENGINE_RDD_SAMPLE_RANDOM_H_

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace centella {

// splitmix64: small, fast, and the same sequence on every machine (unlike the
// distributions of <random>, whose algorithms the standard leaves to each library).
class SampleRandom {
 public:
  explicit SampleRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Poisson(mean) by Knuth's product of uniforms, in chunks of mean <= 16 so exp(-mean)
  // never underflows.
  int Poisson(double mean) {
    int k = 0;
    while (mean > 0) {
      double chunk = std::min(mean, 16.0);
      mean -= chunk;
      const double limit = std::exp(-chunk);
      double p = Uniform();
      while (p > limit) {
        ++k;
        p *= Uniform();
      }
    }
    return k;
  }

 private:
  uint64_t state_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_SAMPLE_RANDOM_H_
