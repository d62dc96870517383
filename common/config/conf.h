// Conf: the Spark-style settings of an application or daemon, as text key -> text value
// ("spark.executor.memory" -> "2g"), read back through typed getters.
//
// Sources, in the order centella-submit applies them (later wins): a properties file
// (LoadPropertiesFile), then --conf k=v arguments (SetFromArg). A Conf crosses into a child
// process as one environment variable (kConfEnvVar) holding Serialize()'s output.
//
// Typed getters return the default when the key is absent and an error naming the key and
// its value when the text does not parse; the syntax of each type is in conf_value.h and
// byte_size.h. Keys are non-empty and contain no whitespace, control characters or '='.
//
// Thread safety: a value type without internal locking. Concurrent const calls are safe;
// mutation needs external synchronization. Daemons build their typed config from a Conf in
// main() and pass that down instead of sharing the Conf.
#ifndef CENTELLA_COMMON_CONFIG_CONF_H_
#define CENTELLA_COMMON_CONFIG_CONF_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/byte_size.h"
#include "common/config/conf_entry.h"

namespace centella {

// The environment variable through which a parent passes a serialized Conf to a child.
inline constexpr char kConfEnvVar[] = "CENTELLA_CONF";

class Conf {
 public:
  Conf() = default;

  // Sets `key` to `value`, replacing any previous value. InvalidArgument for a bad key.
  absl::Status Set(std::string_view key, std::string_view value);

  // Sets `key` only if it has no value yet (Spark's setIfMissing). Returns whether it did.
  absl::StatusOr<bool> SetIfMissing(std::string_view key, std::string_view value);

  // Parses "key=value" (the --conf argument form; the value may contain '=' and may be
  // empty, surrounding whitespace of the key is dropped). InvalidArgument quoting `arg` when
  // there is no '=' or the key is empty.
  absl::Status SetFromArg(std::string_view arg);

  // Sets every entry of the properties file at `path` (format in properties_file.h),
  // overriding existing values. NotFound names a missing path; parse errors name the file
  // and line. On error nothing is set.
  absl::Status LoadPropertiesFile(const std::string& path);

  // Removes `key`. Returns whether it was present.
  bool Remove(std::string_view key);

  // The raw text of `key`, or nullopt.
  std::optional<std::string> Get(std::string_view key) const;
  bool Contains(std::string_view key) const;

  // Typed getters: `default_value` when the key is absent; InvalidArgument / OutOfRange
  // naming key and value when it does not parse.
  absl::StatusOr<std::string> GetString(std::string_view key, std::string_view default_value) const;
  absl::StatusOr<int64_t> GetInt(std::string_view key, int64_t default_value) const;
  absl::StatusOr<bool> GetBool(std::string_view key, bool default_value) const;
  // Size in bytes; a bare number is bytes ("512m", "2g", ... see byte_size.h).
  absl::StatusOr<int64_t> GetBytes(std::string_view key, int64_t default_value) const;
  // A bare number is milliseconds ("100ms", "10s", "5m", "1h", ... see conf_value.h).
  absl::StatusOr<absl::Duration> GetDuration(std::string_view key,
                                             absl::Duration default_value) const;

  // Typed reads of a declared entry, with the entry's default.
  absl::StatusOr<int64_t> Get(const ConfEntry<int64_t>& entry) const;
  absl::StatusOr<bool> Get(const ConfEntry<bool>& entry) const;
  absl::StatusOr<std::string> Get(const ConfEntry<std::string>& entry) const;
  absl::StatusOr<std::string> Get(const ConfEntry<std::string_view>& entry) const;
  absl::StatusOr<absl::Duration> Get(const ConfEntry<absl::Duration>& entry) const;
  absl::StatusOr<ByteSize> Get(const ConfEntry<ByteSize>& entry) const;

  // All entries sorted by key.
  std::vector<std::pair<std::string, std::string>> Entries() const;
  size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }

  // One entry per line, "key=value", sorted, with C escapes (\n, \\, \000, ...) in keys and
  // values so the text has no newline, NUL or other control byte inside an entry and can be
  // passed as an environment variable. Deserialize(Serialize()) == *this.
  std::string Serialize() const;

  // Parses Serialize()'s output. InvalidArgument naming the line for a malformed entry.
  static absl::StatusOr<Conf> Deserialize(std::string_view text);

  friend bool operator==(const Conf&, const Conf&) = default;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_CONFIG_CONF_H_
