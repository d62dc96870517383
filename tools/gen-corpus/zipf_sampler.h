// ZipfSampler: draws ranks from a Zipf(s) distribution over 1..n in constant time.
//
// P(rank = k) = k^-s / H(n, s), H the generalized harmonic number. Sampling uses Walker's
// alias method (Vose's construction): one table lookup and one comparison per draw, where a
// CDF binary search would take ~20 dependent cache misses for n = 10^6. Both the bucket and
// the coin come from the same 64 random bits, so a draw costs one generator step.
//
// Thread safety: immutable after Create(); Sample() is const and safe from any thread.
#ifndef CENTELLA_TOOLS_GEN_CORPUS_ZIPF_SAMPLER_H_
#define CENTELLA_TOOLS_GEN_CORPUS_ZIPF_SAMPLER_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace centella::gen_corpus {

class ZipfSampler {
 public:
  // InvalidArgument unless 1 <= n < 2^32 and s is finite and > 0.
  static absl::StatusOr<ZipfSampler> Create(uint64_t n, double s);

  // Maps 64 uniform random bits to a 0-based rank index (0 is the most frequent).
  uint32_t Sample(uint64_t random_bits) const {
    // High half picks a bucket (multiply-shift, no division); low half is the biased coin.
    const uint32_t bucket = static_cast<uint32_t>(((random_bits >> 32) * buckets_.size()) >> 32);
    const Bucket& b = buckets_[bucket];
    return static_cast<uint32_t>(random_bits) < b.keep_threshold ? bucket : b.alias;
  }

  uint64_t size() const { return buckets_.size(); }

 private:
  struct Bucket {
    // Keep the bucket's own rank when the low 32 bits are below this, else take `alias`.
    uint32_t keep_threshold;
    // Buckets that are exactly full alias to themselves, so the rounding of the threshold
    // to 32 bits cannot send their draws elsewhere.
    uint32_t alias;
  };

  explicit ZipfSampler(std::vector<Bucket> buckets) : buckets_(std::move(buckets)) {}

  std::vector<Bucket> buckets_;
};

}  // namespace centella::gen_corpus

#endif  // CENTELLA_TOOLS_GEN_CORPUS_ZIPF_SAMPLER_H_
