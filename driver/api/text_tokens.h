// Whitespace tokenization without allocation, for flat_map over lines of text.
//
//   ctx.text_file(in).flat_map([](const std::string& line) { return Words(line); })
//
// Words(s) is a lazy range of std::string_view over `s`, split on ASCII whitespace
// (space, \t, \n, \v, \f, \r). The views point into `s`: map them to std::string before
// they leave the function they were made in (the next operator is enough).
#ifndef CENTELLA_DRIVER_API_TEXT_TOKENS_H_
#define CENTELLA_DRIVER_API_TEXT_TOKENS_H_

#include <cstddef>
#include <iterator>
#include <string_view>

namespace centella {

inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

class Words {
 public:
  explicit Words(std::string_view text) : text_(text) {}

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using reference = std::string_view;
    iterator() = default;
    iterator(std::string_view text, size_t pos) : text_(text), pos_(pos) { Advance(); }
    std::string_view operator*() const { return text_.substr(pos_, end_ - pos_); }
    iterator& operator++() {
      pos_ = end_;
      Advance();
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const iterator& o) const { return pos_ == o.pos_; }

   private:
    void Advance() {
      while (pos_ < text_.size() && IsAsciiSpace(text_[pos_])) ++pos_;
      end_ = pos_;
      while (end_ < text_.size() && !IsAsciiSpace(text_[end_])) ++end_;
    }
    std::string_view text_;
    size_t pos_ = 0;
    size_t end_ = 0;
  };

  iterator begin() const { return iterator(text_, 0); }
  iterator end() const { return iterator(text_, text_.size()); }

 private:
  std::string_view text_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_TEXT_TOKENS_H_
