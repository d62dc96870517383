// A stand-in job binary for daemon tests. Run by the daemon as an "executor", it
//   * appends its pid to ./launches (so a test can count how many processes started),
//   * writes its whole environment to ./environment,
//   * then exits with $TEST_EXIT_CODE if set, else sleeps until killed.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

extern char** environ;

int main() {
  if (FILE* f = std::fopen("launches", "a")) {
    std::fprintf(f, "%d\n", static_cast<int>(getpid()));
    std::fclose(f);
  }
  if (FILE* f = std::fopen("environment.tmp", "w")) {
    for (char** e = environ; *e != nullptr; ++e) std::fprintf(f, "%s\n", *e);
    std::fclose(f);
    std::rename("environment.tmp", "environment");  // readers see it whole
  }
  std::printf("test program %d running\n", static_cast<int>(getpid()));
  std::fflush(stdout);
  if (const char* code = std::getenv("TEST_EXIT_CODE")) {
    std::fprintf(stderr, "exiting with %s as asked\n", code);
    return std::atoi(code);
  }
  while (true) pause();
}
