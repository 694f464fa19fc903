// CSV reader: turns a text file with a header row into a Table.
//
// The first line that is neither blank nor a comment is the header. Fields follow RFC 4180:
// fields in double quotes may contain the delimiter, line breaks and doubled quotes ("").
// LF and CRLF line endings are both accepted, a UTF-8 byte-order mark is skipped, lines whose first
// non-blank character is the comment character are skipped, and unquoted cells are trimmed.
//
// A column becomes numeric when every cell parses completely as a finite number. Otherwise it is
// kept as an *unusable* column carrying the first bad cell's file, line and column in its message,
// so a file with a text column (a label, a colour code) still reads and only a formula that uses
// that column fails. Such a column also keeps its cells as text (unquoted, unescaped, trimmed like
// any cell), read by Table::text(); fully numeric columns keep no text, so large numeric files cost
// no more memory than before. Structural problems (no header, ragged rows, duplicate names, an
// unterminated quote, binary content) throw DataError right away with file and line.
//
//   slfit::Table runs = slfit::read_csv("runs.csv");
//   slfit::Table tsv = slfit::read_csv("runs.tsv", {.delimiter = '\t'});
//   slfit::Table inline_data = slfit::parse_csv("N,L\n1e8,3.2\n1e9,2.9\n", "<inline>");
//
// Note: with the default comment character '#', a data line whose first cell starts with '#'
// (a colour such as #faebdd in the first column) would be skipped; set comment to '\0' to turn
// comments off for such files.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/table.hpp"

namespace slfit {

struct CsvOptions {
  char delimiter = ',';
  char comment = '#';  // '\0' disables comment lines
};

namespace detail::csv {

// Real CSV lines are short; a megabyte without a line break means the file is something else.
inline constexpr std::size_t kMaxLineLength = 1 << 20;

// Long cells (a pasted paragraph) would drown the rest of an error message.
inline constexpr std::size_t kMaxQuotedCell = 40;

inline std::string quote_cell(std::string_view cell) {
  // Appending (not "'" + std::string(...)) avoids GCC 12's false -Wrestrict warning at -O3.
  if (cell.size() <= kMaxQuotedCell) return std::string("'").append(cell).append("'");
  return std::string("'").append(cell.substr(0, kMaxQuotedCell - 3)).append("...'");
}

enum class CellStatus { kOk, kEmpty, kNotNumber, kNonFinite, kOutOfRange };

inline CellStatus parse_number(std::string_view cell, double& out) {
  if (cell.empty()) return CellStatus::kEmpty;
  std::string_view digits = cell;
  // from_chars rejects a leading '+', which spreadsheets sometimes write.
  if (digits.front() == '+') {
    digits.remove_prefix(1);
    if (digits.empty() || digits.front() == '+' || digits.front() == '-') {
      return CellStatus::kNotNumber;
    }
  }
  const char* end = digits.data() + digits.size();
  const auto res = std::from_chars(digits.data(), end, out);
  if (res.ptr != end) return CellStatus::kNotNumber;
  if (res.ec == std::errc::result_out_of_range) return CellStatus::kOutOfRange;
  if (res.ec != std::errc()) return CellStatus::kNotNumber;
  if (!std::isfinite(out)) return CellStatus::kNonFinite;
  return CellStatus::kOk;
}

struct ColumnBuilder {
  std::string name;
  std::vector<double> values;
  std::optional<std::string> problem;
};

// One field of the current record. Unescaped fields point into the input; fields that contained
// "" escapes are unescaped into a per-record buffer and located by offset, since the buffer may
// reallocate while the record is read.
struct Field {
  std::string_view view;
  std::size_t offset = 0;
  std::size_t length = 0;
  bool in_buffer = false;
  std::size_t line = 0;
};

class Reader {
 public:
  Reader(std::string_view text, const std::string& source, const CsvOptions& options)
      : text_(text), source_(source), options_(options) {}

  Table read() {
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (text_.substr(0, kBom.size()) == kBom) pos_ = kBom.size();
    const std::size_t lines = check_is_text();

    if (!next_record()) throw DataError("'" + source_ + "' is empty: no header row");
    read_header();
    const std::size_t data_pos = pos_;
    const std::size_t data_line = line_;

    // A row of k fields takes at least k bytes, which bounds the rows a wide file can hold: the
    // reservation stays within a few times the file's size however many columns the header has.
    const std::size_t max_rows = (text_.size() - pos_) / header_.size() + 1;
    std::vector<ColumnBuilder> columns(header_.size());
    for (std::size_t c = 0; c < header_.size(); ++c) {
      columns[c].name = header_[c];
      columns[c].values.reserve(std::min(lines, max_rows));
    }
    Eigen::Index rows = 0;
    while (next_record()) {
      ++rows;
      if (fields_.size() != columns.size()) {
        throw DataError(source_ + ":" + std::to_string(record_line_) + ": expected " +
                        std::to_string(columns.size()) + " fields, found " +
                        std::to_string(fields_.size()));
      }
      for (std::size_t c = 0; c < columns.size(); ++c) {
        ColumnBuilder& col = columns[c];
        if (col.problem) continue;
        const std::string_view cell = field(c);
        double value = 0.0;
        const CellStatus status = parse_number(cell, value);
        if (status == CellStatus::kOk) {
          col.values.push_back(value);
        } else {
          col.problem = cell_message(c, fields_[c].line, cell, status);
          col.values = {};
        }
      }
    }
    if (rows == 0) throw DataError("'" + source_ + "' has a header but no data rows");

    // Which columns hold text is known only at the end, and the cells of their numeric-looking
    // first rows were not kept, so a second pass collects the text of just those columns. Files
    // that are all numbers, the large ones, never take it.
    std::vector<std::vector<std::string>> texts(columns.size());
    if (std::any_of(columns.begin(), columns.end(),
                    [](const ColumnBuilder& c) { return c.problem.has_value(); })) {
      for (std::size_t c = 0; c < columns.size(); ++c)
        if (columns[c].problem) texts[c].reserve(static_cast<std::size_t>(rows));
      pos_ = data_pos;
      line_ = data_line;
      while (next_record()) {
        for (std::size_t c = 0; c < columns.size(); ++c)
          if (columns[c].problem) texts[c].emplace_back(field(c));
      }
    }

    Table table(source_);
    for (std::size_t c = 0; c < columns.size(); ++c) {
      ColumnBuilder& col = columns[c];
      if (col.problem) {
        table.add_text_column(std::move(col.name), std::move(texts[c]), std::move(*col.problem));
      } else {
        table.add_column(std::move(col.name),
                         Eigen::Map<const Eigen::ArrayXd>(col.values.data(), rows));
      }
    }
    return table;
  }

 private:
  bool is_blank(char c) const {
    return (c == ' ' || c == '\t' || c == '\r') && c != options_.delimiter;
  }

  // Refuses binary files and absurd line lengths before parsing; returns the number of lines, which
  // is a good guess of the row count for reserving column storage.
  std::size_t check_is_text() const {
    const char* begin = text_.data();
    const char* end = begin + text_.size();
    if (const void* nul = std::memchr(begin, '\0', text_.size())) {
      const auto at = static_cast<const char*>(nul);
      const auto line = 1 + static_cast<std::size_t>(std::count(begin, at, '\n'));
      throw DataError("'" + source_ +
                      "' is not a CSV file: it contains binary data (NUL byte at line " +
                      std::to_string(line) + ")");
    }
    // Text never holds the C0 control bytes other than tab, line breaks, vertical tab and form
    // feed, nor DEL; binary data without a NUL byte (compressed files, say) is full of them. A
    // delimiter or comment character chosen from them (the ASCII unit separator, say) is allowed.
    const char* control = std::find_if(begin, end, [this](char ch) {
      const auto u = static_cast<unsigned char>(ch);
      return ((u < 0x20 && (u < 0x09 || u > 0x0D)) || u == 0x7F) && ch != options_.delimiter &&
             ch != options_.comment;
    });
    if (control != end) {
      const auto line = 1 + static_cast<std::size_t>(std::count(begin, control, '\n'));
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", static_cast<unsigned char>(*control));
      throw DataError("'" + source_ +
                      "' is not a CSV file: it contains binary data (control byte " + code +
                      " at line " + std::to_string(line) + ")");
    }
    std::size_t line = 1;
    const char* start = begin;
    while (start < end) {
      const void* nl = std::memchr(start, '\n', static_cast<std::size_t>(end - start));
      const char* stop = nl ? static_cast<const char*>(nl) : end;
      if (static_cast<std::size_t>(stop - start) > kMaxLineLength) {
        throw DataError(source_ + ":" + std::to_string(line) + ": line longer than " +
                        std::to_string(kMaxLineLength) + " characters; is this a CSV file?");
      }
      if (!nl) break;
      start = stop + 1;
      ++line;
    }
    return line;
  }

  std::string_view field(std::size_t i) const {
    const Field& f = fields_[i];
    return f.in_buffer ? std::string_view(buffer_).substr(f.offset, f.length) : f.view;
  }

  void read_header() {
    std::unordered_map<std::string_view, std::size_t> seen;
    header_.reserve(fields_.size());
    for (std::size_t c = 0; c < fields_.size(); ++c) header_.emplace_back(field(c));
    for (std::size_t c = 0; c < header_.size(); ++c) {
      if (header_[c].empty()) {
        throw DataError(source_ + ":" + std::to_string(record_line_) + ": column " +
                        std::to_string(c + 1) + " of the header has an empty name");
      }
      const auto [it, inserted] = seen.emplace(header_[c], c);
      if (!inserted) {
        throw DataError("duplicate column '" + header_[c] + "' in '" + source_ + "' (columns " +
                        std::to_string(it->second + 1) + " and " + std::to_string(c + 1) + ")");
      }
    }
  }

  std::string cell_message(std::size_t c, std::size_t line, std::string_view cell,
                           CellStatus status) const {
    std::string msg = source_ + ":" + std::to_string(line) + ": column " + std::to_string(c + 1) +
                      " ('" + header_[c] + "'): ";
    switch (status) {
      case CellStatus::kEmpty:
        return msg + "empty cell";
      case CellStatus::kNonFinite:
        return msg + "NaN or infinite value " + quote_cell(cell);
      case CellStatus::kOutOfRange:
        return msg + quote_cell(cell) + " is out of the range of a double";
      default:
        return msg + quote_cell(cell) + " is not a number";
    }
  }

  // Reads the next record into fields_, skipping blank and comment lines. False at end of input.
  bool next_record() {
    const std::size_t n = text_.size();
    while (true) {
      if (pos_ >= n) return false;
      std::size_t p = pos_;
      while (p < n && is_blank(text_[p])) ++p;
      const bool blank = p >= n || text_[p] == '\n';
      const bool comment = !blank && options_.comment != '\0' && text_[p] == options_.comment;
      if (!blank && !comment) break;
      const std::size_t nl = text_.find('\n', p);
      pos_ = nl == std::string_view::npos ? n : nl + 1;
      ++line_;
    }

    fields_.clear();
    buffer_.clear();
    record_line_ = line_;
    std::size_t p = pos_;
    const char delim = options_.delimiter;
    while (true) {
      Field f;
      f.line = line_;
      while (p < n && is_blank(text_[p])) ++p;
      if (p < n && text_[p] == '"') {
        p = read_quoted(p, f);
        while (p < n && is_blank(text_[p])) ++p;
        if (p < n && text_[p] != delim && text_[p] != '\n') {
          throw DataError(source_ + ":" + std::to_string(line_) + ": field " +
                          std::to_string(fields_.size() + 1) + ": unexpected character '" +
                          std::string(1, text_[p]) + "' after a closing quote");
        }
      } else {
        const std::size_t start = p;
        while (p < n && text_[p] != delim && text_[p] != '\n') ++p;
        std::size_t stop = p;
        while (stop > start && is_blank(text_[stop - 1])) --stop;
        f.view = text_.substr(start, stop - start);
      }
      fields_.push_back(f);
      if (p < n && text_[p] == delim) {
        ++p;
        continue;
      }
      if (p < n) {  // '\n'
        ++p;
        ++line_;
      }
      break;
    }
    pos_ = p;
    return true;
  }

  // Reads a quoted field whose opening quote is at `open`; returns the position after the closing
  // quote.
  std::size_t read_quoted(std::size_t open, Field& f) {
    const std::size_t open_line = line_;
    std::size_t p = open + 1;
    bool escaped = false;
    std::size_t segment = p;
    while (true) {
      const std::size_t q = text_.find('"', p);
      if (q == std::string_view::npos) {
        throw DataError(source_ + ":" + std::to_string(open_line) +
                        ": unterminated quoted field (the quote opened on this line is never "
                        "closed)");
      }
      line_ += static_cast<std::size_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(p),
                                                   text_.begin() + static_cast<std::ptrdiff_t>(q),
                                                   '\n'));
      if (q + 1 < text_.size() && text_[q + 1] == '"') {
        if (!escaped) {
          escaped = true;
          f.in_buffer = true;
          f.offset = buffer_.size();
        }
        buffer_.append(text_.substr(segment, q + 1 - segment));  // keeps one quote
        p = q + 2;
        segment = p;
        continue;
      }
      if (escaped) {
        buffer_.append(text_.substr(segment, q - segment));
        f.length = buffer_.size() - f.offset;
      } else {
        f.view = text_.substr(open + 1, q - open - 1);
      }
      return q + 1;
    }
  }

  std::string_view text_;
  const std::string& source_;
  CsvOptions options_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 1;
  std::vector<Field> fields_;
  std::string buffer_;
  std::vector<std::string> header_;
};

}  // namespace detail::csv

// Parses CSV text; `source` names it in messages and becomes the table's source().
// Throws UsageError for options that would make records ambiguous: a delimiter or comment
// character that is a quote, a line break or NUL, or the same character for both.
inline Table parse_csv(std::string_view text, const std::string& source,
                       const CsvOptions& options = {}) {
  const auto reserved = [](char c) { return c == '"' || c == '\n' || c == '\r'; };
  if (options.delimiter == '\0' || reserved(options.delimiter)) {
    throw UsageError("CSV delimiter cannot be a quote, a line break or NUL");
  }
  if (reserved(options.comment) || options.comment == options.delimiter) {
    throw UsageError(
        "CSV comment character cannot be a quote, a line break or the delimiter (use '\\0' to "
        "turn comments off)");
  }
  return detail::csv::Reader(text, source, options).read();
}

// Reads a CSV file; the path as written is used in messages and as the table's source().
inline Table read_csv(const std::filesystem::path& path, const CsvOptions& options = {}) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw DataError("cannot open '" + name + "': it is a directory");
  }
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(name.c_str(), "rb"));
  if (!file) throw DataError("cannot open '" + name + "': " + std::strerror(errno));

  // Reading in chunks rather than by file size also works for pipes such as /dev/stdin.
  std::string text;
  if (const auto size = std::filesystem::file_size(path, ec); !ec) text.reserve(size);
  char chunk[1 << 16];
  while (true) {
    const std::size_t got = std::fread(chunk, 1, sizeof chunk, file.get());
    text.append(chunk, got);
    if (got < sizeof chunk) break;
  }
  if (std::ferror(file.get())) {
    throw DataError("cannot read '" + name + "': " + std::strerror(errno));
  }
  return parse_csv(text, name, options);
}

}  // namespace slfit
