// HTML helpers for the status UIs: escaping and a self-contained page of tables rendered
// server-side from JSON (no scripts, no external assets).
#ifndef CENTELLA_COMMON_HTTP_HTML_PAGE_H_
#define CENTELLA_COMMON_HTTP_HTML_PAGE_H_

#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace centella {

// `text` with &, <, >, " and ' replaced by entities: safe in element content and in
// quoted attribute values.
std::string HtmlEscape(const std::string& text);

// One table: a heading, (column header, JSON key) pairs, and an array of objects. A
// cell shows the string as is, other JSON values dumped, a missing key as empty; every
// cell is escaped.
struct HtmlTable {
  std::string title;
  std::vector<std::pair<std::string, std::string>> columns;
  nlohmann::json rows = nlohmann::json::array();
};

// A complete HTML document titled `title` with the tables in order.
std::string RenderHtmlPage(const std::string& title, const std::vector<HtmlTable>& tables);

}  // namespace centella

#endif  // CENTELLA_COMMON_HTTP_HTML_PAGE_H_
