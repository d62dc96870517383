#include "common/logging/logger.h"

#include <cstdlib>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "spdlog/sinks/stdout_color_sinks.h"

namespace centella {
namespace {

constexpr char kPattern[] = "[%Y-%m-%d %H:%M:%S.%e] [%n] [%^%l%$] %v";

// The table of component loggers. A process-wide object is deliberate here: logging is
// the one facility every layer needs before any configuration has been built, and a
// single table is what guarantees "one logger per component".
class LoggerTable {
 public:
  LoggerTable() : sink_(std::make_shared<spdlog::sinks::stderr_color_sink_mt>()) {
    sink_->set_pattern(kPattern);
    level_ = LevelFromEnvironment();
  }

  std::shared_ptr<spdlog::logger> Get(std::string_view component) ABSL_LOCKS_EXCLUDED(mu_) {
    // Debian's Abseil keeps its own string_view type, distinct from std::string_view.
    const absl::string_view name(component.data(), component.size());
    absl::MutexLock lock(&mu_);
    auto it = loggers_.find(name);
    if (it != loggers_.end()) return it->second;
    auto logger = std::make_shared<spdlog::logger>(std::string(component), sink_);
    logger->set_level(level_);
    // Warnings and errors usually precede a crash or a kill; do not let them sit in a buffer.
    logger->flush_on(spdlog::level::warn);
    loggers_.emplace(name, logger);
    if (!env_warning_.empty()) {
      logger->warn("{}", env_warning_);
      env_warning_.clear();
    }
    return logger;
  }

  void SetLevel(spdlog::level::level_enum level) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    level_ = level;
    for (auto& [name, logger] : loggers_) logger->set_level(level);
  }

  spdlog::level::level_enum level() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return level_;
  }

 private:
  spdlog::level::level_enum LevelFromEnvironment() {
    const char* value = std::getenv(kLogLevelEnv);
    if (value == nullptr || *value == '\0') return spdlog::level::info;
    absl::StatusOr<spdlog::level::level_enum> parsed = ParseLogLevel(value);
    if (parsed.ok()) return *parsed;
    // No logger exists yet to report this; the first one created reports it.
    env_warning_ = absl::StrCat(kLogLevelEnv, ": ", parsed.status().message(), "; using info");
    return spdlog::level::info;
  }

  absl::Mutex mu_;
  const std::shared_ptr<spdlog::sinks::sink> sink_;
  spdlog::level::level_enum level_ ABSL_GUARDED_BY(mu_);
  std::string env_warning_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::shared_ptr<spdlog::logger>> loggers_ ABSL_GUARDED_BY(mu_);
};

LoggerTable& Table() {
  // Leaked on purpose: threads may still log while static destructors run at exit.
  static LoggerTable* const table = new LoggerTable();
  return *table;
}

}  // namespace

std::shared_ptr<spdlog::logger> GetLogger(std::string_view component) {
  return Table().Get(component);
}

void SetLogLevel(spdlog::level::level_enum level) { Table().SetLevel(level); }

spdlog::level::level_enum GetLogLevel() { return Table().level(); }

absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(std::string_view input) {
  const absl::string_view name(input.data(), input.size());
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "trace") return spdlog::level::trace;
  if (lower == "debug") return spdlog::level::debug;
  if (lower == "info") return spdlog::level::info;
  if (lower == "warn" || lower == "warning") return spdlog::level::warn;
  if (lower == "error") return spdlog::level::err;
  if (lower == "critical") return spdlog::level::critical;
  if (lower == "off") return spdlog::level::off;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log level '", name,
                   "' (expected trace, debug, info, warn, error, critical or off)"));
}

}  // namespace centella
