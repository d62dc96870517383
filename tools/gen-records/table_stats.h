// TableStats: what one generator call produced.
#ifndef CENTELLA_TOOLS_GEN_RECORDS_TABLE_STATS_H_
#define CENTELLA_TOOLS_GEN_RECORDS_TABLE_STATS_H_

#include <cstdint>

namespace centella::gen_records {

struct TableStats {
  uint64_t bytes = 0;
  uint64_t rows = 0;
};

}  // namespace centella::gen_records

#endif  // CENTELLA_TOOLS_GEN_RECORDS_TABLE_STATS_H_
