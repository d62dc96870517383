// Must NOT compile: a plain function passed by its address cannot be shipped to
// executors (a position-independent binary loads it at another address in every process).
// The compile_fail test checks the compiler's message says to wrap it in a lambda.
#include <string>

#include "centella/centella.h"

static bool StartsWithS(const std::string& s) { return !s.empty() && s[0] == 's'; }

void Job(centella::Context& ctx) {
  auto r = ctx.parallelize(std::vector<std::string>{"spark"}).filter(&StartsWithS);
  (void)r;
}
