#include "tools/gen-corpus/zipf_sampler.h"

#include <cmath>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace centella::gen_corpus {

absl::StatusOr<ZipfSampler> ZipfSampler::Create(uint64_t n, double s) {
  if (n < 1 || n > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat("Zipf support size out of range: ", n));
  }
  if (!std::isfinite(s) || s <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("Zipf exponent must be > 0, got ", s));
  }

  // Scaled probabilities p_k * n, so an average bucket holds exactly 1.0. Summed from the
  // smallest term up to lose less precision in the long tail.
  std::vector<double> scaled(n);
  double total = 0;
  for (uint64_t k = n; k >= 1; --k) {
    scaled[k - 1] = std::pow(static_cast<double>(k), -s);
    total += scaled[k - 1];
  }
  const double scale = static_cast<double>(n) / total;
  for (double& p : scaled) p *= scale;

  // Vose: pair each under-full bucket with an over-full donor until all are full. Indices
  // are processed in a fixed order, so the table (and the corpus) depends only on n and s.
  std::vector<uint32_t> small;
  std::vector<uint32_t> large;
  for (uint32_t i = 0; i < n; ++i) (scaled[i] < 1.0 ? small : large).push_back(i);

  std::vector<Bucket> buckets(n);
  constexpr double kTwoTo32 = 4294967296.0;
  auto fill = [&](uint32_t i, double p, uint32_t alias) {
    const double threshold = p * kTwoTo32;
    buckets[i].keep_threshold = threshold >= kTwoTo32 - 1 ? std::numeric_limits<uint32_t>::max()
                                                          : static_cast<uint32_t>(threshold);
    buckets[i].alias = alias;
  };
  while (!small.empty() && !large.empty()) {
    const uint32_t under = small.back();
    small.pop_back();
    const uint32_t over = large.back();
    fill(under, scaled[under], over);
    scaled[over] -= 1.0 - scaled[under];
    if (scaled[over] < 1.0) {
      large.pop_back();
      small.push_back(over);
    }
  }
  // Whatever is left is full up to rounding error.
  for (uint32_t i : large) fill(i, 1.0, i);
  for (uint32_t i : small) fill(i, 1.0, i);
  return ZipfSampler(std::move(buckets));
}

}  // namespace centella::gen_corpus
