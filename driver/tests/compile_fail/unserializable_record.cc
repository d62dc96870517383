// Must NOT compile: records of a type without a serialized form cannot be shuffled.
#include <string>

#include "centella/centella.h"

struct Opaque {
  int* p = nullptr;
  bool operator==(const Opaque&) const = default;
};

void Job(centella::Context& ctx) {
  auto r = ctx.parallelize(std::vector<int>{1})
               .map([](int x) { return std::pair<int, Opaque>(x, Opaque{}); })
               .group_by_key();
  (void)r;
}
