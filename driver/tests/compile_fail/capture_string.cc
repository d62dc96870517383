// Must NOT compile: a lambda capturing std::string cannot be shipped to executors.
// The compile_fail test checks the compiler's message tells the user what to do.
#include <string>

#include "centella/centella.h"

void Job(centella::Context& ctx) {
  std::string prefix = "sp";
  auto r = ctx.parallelize(std::vector<std::string>{"spark"}).filter(
      [prefix](const std::string& s) { return s.rfind(prefix, 0) == 0; });
  (void)r;
}
