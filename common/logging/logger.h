// The one logging entry point: a named spdlog logger per component.
//
//   auto log = centella::GetLogger("executor");
//   log->info("registered with {} cores", cores);
//
// prints to stderr
//
//   [2026-11-21 12:00:00.123] [executor] [info] registered with 4 cores
//
// Components are short fixed names: "driver", "executor", "cluster-manager", "shuffle",
// "submit", ... . All loggers share one stderr sink (whose mutex keeps lines whole) and one
// level. The level starts from the environment variable CENTELLA_LOG_LEVEL (trace, debug,
// info, warn, error, critical, off; default info; an unrecognised value falls back to info
// with a warning) and can be changed at run time with SetLogLevel.
//
// Ownership: loggers live in a process-wide table for the life of the process; callers may
// keep the returned shared_ptr (e.g. as a member) or call GetLogger again.
// Thread safety: every function here may be called from any thread; the first call for a
// component creates its logger exactly once.
#ifndef CENTELLA_COMMON_LOGGING_LOGGER_H_
#define CENTELLA_COMMON_LOGGING_LOGGER_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "spdlog/spdlog.h"

namespace centella {

// Environment variable that sets the initial level of every logger.
inline constexpr char kLogLevelEnv[] = "CENTELLA_LOG_LEVEL";

// Returns the logger named `component`, creating it on first use. Never null.
std::shared_ptr<spdlog::logger> GetLogger(std::string_view component);

// Sets the level of every existing logger and of loggers created later.
void SetLogLevel(spdlog::level::level_enum level);

// Returns the level loggers currently use.
spdlog::level::level_enum GetLogLevel();

// Parses a level name as accepted in CENTELLA_LOG_LEVEL or a --log-level flag
// (case-insensitive; "warning" is accepted for "warn"). InvalidArgument names the bad value.
absl::StatusOr<spdlog::level::level_enum> ParseLogLevel(std::string_view name);

}  // namespace centella

#endif  // CENTELLA_COMMON_LOGGING_LOGGER_H_
