#include "common/config/properties_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"

namespace centella {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

absl::string_view StripLeadingBlanks(absl::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  return s;
}

// A line continues when it ends in an odd number of backslashes (an even number is a run of
// escaped backslashes).
bool EndsWithContinuation(absl::string_view line) {
  size_t backslashes = 0;
  while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 1;
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

absl::StatusOr<std::string> Unescape(absl::string_view raw, absl::string_view where) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out.push_back(raw[i]);
      continue;
    }
    const char c = raw[++i];
    switch (c) {
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        uint32_t code_point = 0;
        absl::string_view hex = raw.substr(i + 1, 4);
        if (hex.size() != 4 || !std::all_of(hex.begin(), hex.end(), absl::ascii_isxdigit) ||
            !absl::SimpleHexAtoi(hex, &code_point)) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": malformed \\uXXXX escape '\\u", hex, "'"));
        }
        AppendUtf8(code_point, &out);
        i += 4;
        break;
      }
      default:
        out.push_back(c);
    }
  }
  return out;
}

absl::StatusOr<Property> ParseEntry(absl::string_view line, int line_number,
                                    absl::string_view source) {
  const std::string where = absl::StrCat(source, ":", line_number);
  size_t i = 0;
  while (i < line.size() && !IsBlank(line[i]) && line[i] != '=' && line[i] != ':') {
    i += line[i] == '\\' ? 2 : 1;
  }
  i = std::min(i, line.size());
  absl::string_view raw_key = line.substr(0, i);
  absl::string_view rest = StripLeadingBlanks(line.substr(i));
  bool has_separator = i < line.size();  // Whitespace after the key also separates.
  if (!rest.empty() && (rest.front() == '=' || rest.front() == ':')) {
    rest = StripLeadingBlanks(rest.substr(1));
  } else if (rest.empty()) {
    has_separator = false;
  }
  if (raw_key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": missing key before '", line, "'"));
  }
  if (!has_separator) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": key '", raw_key, "' has no value (write '", raw_key, "=' for an empty value)"));
  }
  Property property;
  property.line = line_number;
  ASSIGN_OR_RETURN(property.key, Unescape(raw_key, where));
  ASSIGN_OR_RETURN(std::string value, Unescape(rest, where));
  property.value = std::string(absl::StripAsciiWhitespace(value));
  return property;
}

}  // namespace

absl::StatusOr<std::vector<Property>> ParseProperties(std::string_view text_input,
                                                      std::string_view source_input) {
  // Debian's Abseil keeps its own string_view type, distinct from std::string_view.
  const absl::string_view text(text_input.data(), text_input.size());
  const absl::string_view source(source_input.data(), source_input.size());
  std::vector<Property> properties;
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  for (size_t index = 0; index < lines.size(); ++index) {
    const int first_line = static_cast<int>(index) + 1;
    absl::string_view physical = absl::StripSuffix(lines[index], "\r");
    physical = StripLeadingBlanks(physical);
    // A comment never continues, even if it ends in a backslash (as in Java).
    if (physical.empty() || physical.front() == '#' || physical.front() == '!') continue;

    std::string logical;
    while (EndsWithContinuation(physical) && index + 1 < lines.size()) {
      physical.remove_suffix(1);
      absl::StrAppend(&logical, physical);
      physical = StripLeadingBlanks(absl::StripSuffix(lines[++index], "\r"));
    }
    if (EndsWithContinuation(physical)) physical.remove_suffix(1);  // Continued past EOF.
    absl::StrAppend(&logical, physical);

    ASSIGN_OR_RETURN(Property property, ParseEntry(logical, first_line, source));
    properties.push_back(std::move(property));
  }
  return properties;
}

absl::StatusOr<std::vector<Property>> ReadPropertiesFile(const std::string& path) {
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    const int error = errno;
    const std::string message =
        absl::StrCat("cannot open properties file '", path, "': ", std::strerror(error));
    if (error == ENOENT) return absl::NotFoundError(message);
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::FailedPreconditionError(message);
  }
  std::string text;
  char buffer[8192];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) text.append(buffer, n);
  if (std::ferror(file.get())) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read properties file '", path, "': ", std::strerror(errno)));
  }
  return ParseProperties(text, path);
}

}  // namespace centella
