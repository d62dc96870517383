// StorageLevel: where persist() keeps an RDD's partitions (Spark's storage levels).
#ifndef CENTELLA_ENGINE_STORAGE_STORAGE_LEVEL_H_
#define CENTELLA_ENGINE_STORAGE_STORAGE_LEVEL_H_

#include <cstdint>

namespace centella {

enum class StorageLevel : uint8_t {
  // Deserialized in memory; partitions that do not fit are recomputed when needed.
  kMemoryOnly = 0,
  // Deserialized in memory; partitions that do not fit (or are evicted) go to local disk.
  kMemoryAndDisk = 1,
  // Serialized on local disk only.
  kDiskOnly = 2,
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_STORAGE_STORAGE_LEVEL_H_
