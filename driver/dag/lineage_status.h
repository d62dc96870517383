// The first error recorded while building any node of a lineage (e.g. a missing input
// path), following shuffle dependencies; OK when the whole lineage is valid.
#ifndef CENTELLA_DRIVER_DAG_LINEAGE_STATUS_H_
#define CENTELLA_DRIVER_DAG_LINEAGE_STATUS_H_

#include "absl/status/status.h"
#include "engine/task/node.h"

namespace centella {

absl::Status LineageStatus(const NodeBase& root);

}  // namespace centella

#endif  // CENTELLA_DRIVER_DAG_LINEAGE_STATUS_H_
