#include "common/config/conf.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/config/conf_value.h"
#include "common/config/properties_file.h"
#include "common/status/status_macros.h"

namespace centella {
namespace {

// Debian's Abseil keeps its own string_view type, distinct from std::string_view, so the
// std::string_view parameters of the public API are viewed through this before reaching
// absl::StrCat and friends.
absl::string_view View(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status ValidateKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("configuration key is empty");
  for (char c : key) {
    // '=' would make "key=value" ambiguous; whitespace and control bytes are never meant.
    if (c == '=' || absl::ascii_isspace(c) || absl::ascii_iscntrl(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat("configuration key '", absl::CHexEscape(View(key)),
                       "' must not contain whitespace, control characters or '='"));
    }
  }
  return absl::OkStatus();
}

// Parses the value of `key` with `parse`, or returns `default_value` if it is absent.
// Rewrites a parse error so that it names the key, keeping its code and explanation.
template <class T, class Parse>
absl::StatusOr<T> GetTyped(const std::optional<std::string>& text, std::string_view key,
                           T default_value, Parse parse) {
  if (!text.has_value()) return default_value;
  auto parsed = parse(*text);
  if (!parsed.ok()) {
    return absl::Status(
        parsed.status().code(),
        absl::StrCat("configuration ", View(key), "=", *text, ": ", parsed.status().message()));
  }
  return T(*std::move(parsed));
}

}  // namespace

absl::Status Conf::Set(std::string_view key, std::string_view value) {
  RETURN_IF_ERROR(ValidateKey(key));
  values_.insert_or_assign(std::string(key), std::string(value));
  return absl::OkStatus();
}

absl::StatusOr<bool> Conf::SetIfMissing(std::string_view key, std::string_view value) {
  RETURN_IF_ERROR(ValidateKey(key));
  return values_.try_emplace(std::string(key), value).second;
}

absl::Status Conf::SetFromArg(std::string_view arg) {
  const size_t equals = arg.find('=');
  if (equals == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration argument '", View(arg), "' is not of the form key=value"));
  }
  const absl::string_view key = absl::StripAsciiWhitespace(View(arg.substr(0, equals)));
  if (key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration argument '", View(arg), "' has an empty key"));
  }
  absl::Status status = Set(std::string_view(key.data(), key.size()), arg.substr(equals + 1));
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration argument '", View(arg), "': ", status.message()));
  }
  return absl::OkStatus();
}

absl::Status Conf::LoadPropertiesFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<Property> properties, ReadPropertiesFile(path));
  // Validate everything first so that a bad line leaves the Conf untouched.
  for (const Property& property : properties) {
    absl::Status status = ValidateKey(property.key);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", property.line, ": ", status.message()));
    }
  }
  for (Property& property : properties) {
    values_.insert_or_assign(std::move(property.key), std::move(property.value));
  }
  return absl::OkStatus();
}

bool Conf::Remove(std::string_view key) {
  auto it = values_.find(key);
  if (it == values_.end()) return false;
  values_.erase(it);
  return true;
}

std::optional<std::string> Conf::Get(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

bool Conf::Contains(std::string_view key) const { return values_.find(key) != values_.end(); }

absl::StatusOr<std::string> Conf::GetString(std::string_view key,
                                            std::string_view default_value) const {
  std::optional<std::string> value = Get(key);
  if (!value.has_value()) return std::string(default_value);
  return *std::move(value);
}

absl::StatusOr<int64_t> Conf::GetInt(std::string_view key, int64_t default_value) const {
  return GetTyped(Get(key), key, default_value, ParseConfInt);
}

absl::StatusOr<bool> Conf::GetBool(std::string_view key, bool default_value) const {
  return GetTyped(Get(key), key, default_value, ParseConfBool);
}

absl::StatusOr<int64_t> Conf::GetBytes(std::string_view key, int64_t default_value) const {
  ASSIGN_OR_RETURN(ByteSize size, GetTyped(Get(key), key, ByteSize{default_value}, ParseByteSize));
  return size.bytes;
}

absl::StatusOr<absl::Duration> Conf::GetDuration(std::string_view key,
                                                 absl::Duration default_value) const {
  return GetTyped(Get(key), key, default_value, ParseConfDuration);
}

absl::StatusOr<int64_t> Conf::Get(const ConfEntry<int64_t>& entry) const {
  return GetInt(entry.key, entry.default_value);
}

absl::StatusOr<bool> Conf::Get(const ConfEntry<bool>& entry) const {
  return GetBool(entry.key, entry.default_value);
}

absl::StatusOr<std::string> Conf::Get(const ConfEntry<std::string>& entry) const {
  return GetString(entry.key, entry.default_value);
}

absl::StatusOr<std::string> Conf::Get(const ConfEntry<std::string_view>& entry) const {
  return GetString(entry.key, entry.default_value);
}

absl::StatusOr<absl::Duration> Conf::Get(const ConfEntry<absl::Duration>& entry) const {
  return GetDuration(entry.key, entry.default_value);
}

absl::StatusOr<ByteSize> Conf::Get(const ConfEntry<ByteSize>& entry) const {
  return GetTyped(Get(entry.key), entry.key, entry.default_value, ParseByteSize);
}

std::vector<std::pair<std::string, std::string>> Conf::Entries() const {
  return {values_.begin(), values_.end()};
}

std::string Conf::Serialize() const {
  std::string out;
  for (const auto& [key, value] : values_) {
    // CEscape turns every newline, NUL and control byte into a backslash escape, and never
    // emits '=', so the first '=' of a line always separates key from value.
    absl::StrAppend(&out, absl::CEscape(key), "=", absl::CEscape(value), "\n");
  }
  return out;
}

absl::StatusOr<Conf> Conf::Deserialize(std::string_view text) {
  Conf conf;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(View(text), '\n')) {
    ++line_number;
    if (line.empty()) continue;
    auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("serialized configuration line ", line_number, ": ", why));
    };
    const size_t equals = line.find('=');
    if (equals == absl::string_view::npos) return fail("missing '='");
    std::string key;
    std::string value;
    std::string error;
    if (!absl::CUnescape(line.substr(0, equals), &key, &error) ||
        !absl::CUnescape(line.substr(equals + 1), &value, &error)) {
      return fail(error);
    }
    absl::Status status = conf.Set(key, value);
    if (!status.ok()) return fail(status.message());
  }
  return conf;
}

}  // namespace centella
