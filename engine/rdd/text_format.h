// AppendText: how save_as_text_file writes a record as one line.
//   strings as they are; numbers in their shortest decimal form; pairs and tuples as their
//   fields joined by a TAB (so a (word, count) pair becomes "word<TAB>count").
// User types specialize centella::TextFormat<T> with `static void Append(std::string*,
// const T&)`.
#ifndef CENTELLA_ENGINE_RDD_TEXT_FORMAT_H_
#define CENTELLA_ENGINE_RDD_TEXT_FORMAT_H_

#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace centella {

template <class T, class Enable = void>
struct TextFormat;

template <class T>
void AppendText(std::string* out, const T& v) {
  TextFormat<T>::Append(out, v);
}

template <>
struct TextFormat<std::string> {
  static void Append(std::string* out, const std::string& v) { out->append(v); }
};

template <>
struct TextFormat<bool> {
  static void Append(std::string* out, bool v) { out->append(v ? "true" : "false"); }
};

template <class T>
struct TextFormat<T, std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>>> {
  static void Append(std::string* out, T v) {
    if constexpr (sizeof(T) == 1 && std::is_integral_v<T>) {
      absl::StrAppend(out, static_cast<int>(v));
    } else {
      absl::StrAppend(out, v);
    }
  }
};

template <class A, class B>
struct TextFormat<std::pair<A, B>> {
  static void Append(std::string* out, const std::pair<A, B>& v) {
    AppendText(out, v.first);
    out->push_back('\t');
    AppendText(out, v.second);
  }
};

template <class... Ts>
struct TextFormat<std::tuple<Ts...>> {
  static void Append(std::string* out, const std::tuple<Ts...>& v) {
    bool first = true;
    std::apply(
        [&](const Ts&... xs) {
          ((first ? void(first = false) : out->push_back('\t'), AppendText(out, xs)), ...);
        },
        v);
  }
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_TEXT_FORMAT_H_
