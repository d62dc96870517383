// Must compile: the control for capture_string.cc (same includes, a plain-value capture).
#include <string>

#include "centella/centella.h"

void Job(centella::Context& ctx) {
  size_t min_length = 3;
  auto r = ctx.parallelize(std::vector<std::string>{"spark"}).filter(
      [min_length](const std::string& s) { return s.size() >= min_length; });
  (void)r;
}
