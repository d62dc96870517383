#include "common/http/html_page.h"

namespace centella {

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string Cell(const nlohmann::json& row, const std::string& key) {
  if (!row.is_object() || !row.contains(key)) return "";
  const nlohmann::json& value = row.at(key);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

}  // namespace

std::string RenderHtmlPage(const std::string& title, const std::vector<HtmlTable>& tables) {
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + HtmlEscape(title) +
      "</title>\n<style>body{font-family:sans-serif;margin:1.5em}"
      "table{border-collapse:collapse;margin-bottom:1.5em}"
      "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
      "th{background:#eee}</style></head>\n<body><h1>" +
      HtmlEscape(title) + "</h1>\n";
  for (const HtmlTable& table : tables) {
    html += "<h2>" + HtmlEscape(table.title) + " (" + std::to_string(table.rows.size()) +
            ")</h2>\n<table><tr>";
    for (const auto& [header, key] : table.columns) html += "<th>" + HtmlEscape(header) + "</th>";
    html += "</tr>\n";
    for (const nlohmann::json& row : table.rows) {
      html += "<tr>";
      for (const auto& [header, key] : table.columns) {
        html += "<td>" + HtmlEscape(Cell(row, key)) + "</td>";
      }
      html += "</tr>\n";
    }
    html += "</table>\n";
  }
  html += "</body></html>\n";
  return html;
}

}  // namespace centella
