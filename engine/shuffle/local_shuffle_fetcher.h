// LocalShuffleFetcher: reads shuffle blocks straight from a ShuffleStore on this machine.
#ifndef CENTELLA_ENGINE_SHUFFLE_LOCAL_SHUFFLE_FETCHER_H_
#define CENTELLA_ENGINE_SHUFFLE_LOCAL_SHUFFLE_FETCHER_H_

#include "engine/shuffle/shuffle_fetcher.h"
#include "engine/shuffle/shuffle_store.h"

namespace centella {

class LocalShuffleFetcher : public ShuffleFetcher {
 public:
  // `store` must outlive the fetcher.
  explicit LocalShuffleFetcher(const ShuffleStore* store) : store_(store) {}

  absl::Status Fetch(
      const v1::ShuffleReadInput& input, int reduce_id,
      absl::FunctionRef<absl::Status(int map_id, std::string_view block)> consume) override;

 private:
  const ShuffleStore* store_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_SHUFFLE_LOCAL_SHUFFLE_FETCHER_H_
