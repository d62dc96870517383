// LocalShuffleFetcher: reads shuffle blocks straight from a ShuffleStore on this machine.
#ifndef CENTELLA_EXECUTOR_SHUFFLE_LOCAL_SHUFFLE_FETCHER_H_
#define CENTELLA_EXECUTOR_SHUFFLE_LOCAL_SHUFFLE_FETCHER_H_

#include "executor/shuffle/shuffle_fetcher.h"
#include "executor/shuffle/shuffle_store.h"

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

#endif  // CENTELLA_EXECUTOR_SHUFFLE_LOCAL_SHUFFLE_FETCHER_H_
