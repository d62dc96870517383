// Helpers for tests that run Centella's real binaries: a shell command to completion,
// and where ctest put the build.
#ifndef CENTELLA_TESTS_RUN_COMMAND_H_
#define CENTELLA_TESTS_RUN_COMMAND_H_

#include <string>

namespace centella {

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string output;  // stdout + stderr
};

// Runs a shell command to completion.
CommandResult RunCommand(const std::string& command);

// The absolute path of program `name` on $PATH (ChildProcess execs paths), or empty.
std::string ProgramPath(const std::string& name);

// $CENTELLA_BUILD_DIR (set by ctest), or empty.
std::string BuildDirFromEnvironment();

}  // namespace centella

#endif  // CENTELLA_TESTS_RUN_COMMAND_H_
