#include "common/serde/stable_hash.h"

#include <xxhash.h>

namespace centella::hash_internal {

uint64_t HashBytes(const void* data, size_t n) { return XXH3_64bits(data, n); }

}  // namespace centella::hash_internal
