#include "tests/run_command.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>

namespace centella {

CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string ProgramPath(const std::string& name) {
  CommandResult r = RunCommand("command -v '" + name + "' 2>/dev/null");
  std::string path = r.exit_code == 0 ? r.output : "";
  while (!path.empty() && (path.back() == '\n' || path.back() == ' ')) path.pop_back();
  return path;
}

std::string BuildDirFromEnvironment() {
  const char* build = std::getenv("CENTELLA_BUILD_DIR");
  return build == nullptr ? "" : build;
}

}  // namespace centella
