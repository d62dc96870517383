// Reader for Spark properties files (spark-defaults.conf and --properties-file), which use
// the java.util.Properties text format:
//
//   # comment            ! also a comment
//   spark.app.name       word count        (key, whitespace, value)
//   spark.master=local[4]                  (key=value)
//   spark.ui.port: 4040                    (key: value)
//   spark.jars        a.so,\             (a trailing backslash continues the line;
//                     b.so                  leading blanks of the next line are dropped)
//
// The key ends at the first unescaped whitespace, '=' or ':'. Escapes \t \n \r \f \uXXXX
// are decoded and any other escaped character stands for itself (so "a\=b" is a key with an
// '='). As in Spark, values are trimmed of surrounding whitespace. Later duplicates win.
//
// Stricter than Java in two ways, both to catch typos: a line with a key but no separator
// and no value is an error (write "key=" for an empty value), and so is an empty key.
//
// Thread safety: pure functions.
#ifndef CENTELLA_COMMON_CONFIG_PROPERTIES_FILE_H_
#define CENTELLA_COMMON_CONFIG_PROPERTIES_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace centella {

struct Property {
  std::string key;
  std::string value;
  int line = 0;  // 1-based line where the entry starts, for error messages.
};

// Parses properties text in file order. `source` (usually the path) prefixes error
// messages as "<source>:<line>: ...". Errors are InvalidArgument.
absl::StatusOr<std::vector<Property>> ParseProperties(std::string_view text,
                                                      std::string_view source);

// Reads and parses the file at `path`. NotFound names the path when it does not exist;
// other read failures name the path and the OS error.
absl::StatusOr<std::vector<Property>> ReadPropertiesFile(const std::string& path);

}  // namespace centella

#endif  // CENTELLA_COMMON_CONFIG_PROPERTIES_FILE_H_
