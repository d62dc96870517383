// ConfEntry: the declaration of one setting — its key, typed default and documentation —
// so that a daemon's settings are listed in one place and read with their right type:
//
//   inline constexpr ConfEntry<absl::Duration> kHeartbeatInterval{
//       "spark.executor.heartbeatInterval", absl::Seconds(10),
//       "How often an executor reports to its driver."};
//   ASSIGN_OR_RETURN(absl::Duration interval, conf.Get(kHeartbeatInterval));
//
// Conf::Get has overloads for T = int64_t, bool, std::string, std::string_view (which keeps
// a string entry constexpr), absl::Duration and ByteSize. Key and doc are string_views, so
// they must outlive the entry (string literals do).
#ifndef CENTELLA_COMMON_CONFIG_CONF_ENTRY_H_
#define CENTELLA_COMMON_CONFIG_CONF_ENTRY_H_

#include <string_view>

namespace centella {

template <class T>
struct ConfEntry {
  std::string_view key;
  T default_value;
  std::string_view doc;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_CONFIG_CONF_ENTRY_H_
