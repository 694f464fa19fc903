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
// no more memory than their numbers. Structural problems (no header, ragged rows, duplicate names,
// an unterminated quote, binary content) throw DataError right away with file and line.
//
// read_csv streams: it reads the file in blocks of kBlockSize bytes and never holds the whole file
// as text, so pipes, FIFOs and devices (/dev/stdin, /dev/zero) work too. Binary content is caught
// in the block where it appears (a NUL byte at the start at once, however long the file). Options
// let a caller check the header before the body is read (check_header) and keep only the columns it
// needs (keep): the others are skipped cell by cell and never stored. Numbers are stored in blocks,
// so memory stays about 8 bytes per kept cell plus a fixed buffer; a regular file larger than the
// memory available, or a stream whose kept columns outgrow it, is refused with DataError.
//
//   slfit::Table runs = slfit::read_csv("runs.csv");
//   slfit::Table tsv = slfit::read_csv("runs.tsv", {.delimiter = '\t'});
//   slfit::Table two = slfit::read_csv("runs.csv", {.keep = std::vector<std::string>{"N",
//   "loss"}}); slfit::Table inline_data = slfit::parse_csv("N,L\n1e8,3.2\n1e9,2.9\n", "<inline>");
//
// Note: with the default comment character '#', a data line whose first cell starts with '#'
// (a colour such as #faebdd in the first column) would be skipped; set comment to '\0' to turn
// comments off for such files. A text column read from a stream that cannot be read twice (a pipe)
// spells the numeric-looking cells before its first text cell as numbers (shortest form: "08" reads
// back as "8"); from a regular file or from memory the cells are kept as written.
#pragma once

#if defined(__unix__) || defined(__APPLE__)
#include <sys/resource.h>
#include <unistd.h>
#endif

#include <Eigen/Core>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
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
  // Called with the header's names right after the header is read, before any data row: throw
  // from it (a missing column, say) to refuse the file without reading its body.
  std::function<void(const std::vector<std::string>& header)> check_header;
  // When set, only these columns are kept (in file order); the others are still counted (every row
  // must have as many fields as the header) but their cells are neither parsed nor stored. Names
  // that are not in the header are ignored: check_header decides which columns must exist.
  std::optional<std::vector<std::string>> keep;
  // The memory available in bytes (0: measured when reading starts, see available_memory()). A
  // regular file larger than this is refused before it is read (unless `keep` is set), and the kept
  // columns may take at most half of it.
  std::size_t memory_available = 0;
};

// The memory this process can still use, in bytes: the system's available memory (MemAvailable,
// or free pages), the control group's limit and the address-space limit (ulimit -v), whichever is
// smallest. The largest size_t when none is known.
inline std::size_t available_memory() {
  std::size_t avail = std::numeric_limits<std::size_t>::max();
  const auto read_first_number = [](const char* path, const char* format, unsigned long long& out) {
    std::FILE* f = std::fopen(path, "r");
    if (!f) return false;
    char line[256];
    bool found = false;
    while (!found && std::fgets(line, sizeof line, f)) found = std::sscanf(line, format, &out) == 1;
    std::fclose(f);
    return found;
  };
  unsigned long long value = 0;
  if (read_first_number("/proc/meminfo", "MemAvailable: %llu kB", value)) {
    avail = std::min<std::size_t>(avail, static_cast<std::size_t>(value) * 1024);
  }
  unsigned long long limit = 0, used = 0;
  if (read_first_number("/sys/fs/cgroup/memory.max", "%llu", limit) &&
      read_first_number("/sys/fs/cgroup/memory.current", "%llu", used)) {
    avail = std::min<std::size_t>(avail, limit > used ? static_cast<std::size_t>(limit - used) : 0);
  }
#if defined(__unix__) || defined(__APPLE__)
  const long page = sysconf(_SC_PAGESIZE);
#ifdef _SC_AVPHYS_PAGES
  if (avail == std::numeric_limits<std::size_t>::max()) {
    const long pages = sysconf(_SC_AVPHYS_PAGES);
    if (pages > 0 && page > 0) avail = static_cast<std::size_t>(pages) * page;
  }
#endif
  rlimit rl{};
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    unsigned long long pages_used = 0;  // the address space already taken
    if (page > 0) read_first_number("/proc/self/statm", "%llu", pages_used);
    const auto taken = static_cast<std::size_t>(pages_used) * static_cast<std::size_t>(page);
    const auto cap = static_cast<std::size_t>(rl.rlim_cur);
    avail = std::min(avail, cap > taken ? cap - taken : 0);
  }
#endif
  return avail;
}

namespace detail::csv {

// Real CSV lines are short; a megabyte without a line break means the file is something else.
inline constexpr std::size_t kMaxLineLength = 1 << 20;
// A record (quoted fields may span lines) longer than this is not a table row either.
inline constexpr std::size_t kMaxRecordLength = 1 << 24;
// read_csv reads this many bytes at a time.
inline constexpr std::size_t kBlockSize = 1 << 20;

// Long cells (a pasted paragraph) would drown the rest of an error message.
inline constexpr std::size_t kMaxQuotedCell = 40;

inline std::string quote_cell(std::string_view cell) {
  // Appending (not "'" + std::string(...)) avoids GCC 12's false -Wrestrict warning at -O3.
  if (cell.size() <= kMaxQuotedCell) return std::string("'").append(cell).append("'");
  return std::string("'").append(cell.substr(0, kMaxQuotedCell - 3)).append("...'");
}

inline std::string format_bytes(double bytes) {
  char out[32];
  if (bytes >= 1e9) {
    std::snprintf(out, sizeof out, "%.1f GB", bytes / 1e9);
  } else if (bytes >= 1e6) {
    std::snprintf(out, sizeof out, "%.1f MB", bytes / 1e6);
  } else if (bytes >= 1e3) {
    std::snprintf(out, sizeof out, "%.1f kB", bytes / 1e3);
  } else {
    std::snprintf(out, sizeof out, "%.0f bytes", bytes);
  }
  return out;
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

// A column's numbers in blocks that grow from 16 to 32768 values: no reallocation copies while
// reading (a growing vector briefly needs three times its size), little waste for short columns.
class NumberStore {
 public:
  // Returns the bytes newly allocated (0 unless a block was added).
  std::size_t push(double v) {
    std::size_t added = 0;
    if (used_ == capacity_) {
      capacity_ = blocks_.empty() ? 16 : std::min<std::size_t>(capacity_ * 2, 1 << 15);
      blocks_.push_back(std::make_unique<double[]>(capacity_));
      sizes_.push_back(0);
      used_ = 0;
      added = capacity_ * sizeof(double);
      bytes_ += added;
    }
    blocks_.back()[used_++] = v;
    ++sizes_.back();
    return added;
  }
  std::size_t bytes() const { return bytes_; }
  template <typename F>
  void for_each(F&& f) const {
    for (std::size_t b = 0; b < blocks_.size(); ++b)
      for (std::size_t i = 0; i < sizes_[b]; ++i) f(blocks_[b][i]);
  }
  Array to_array(Eigen::Index rows) const {
    Array out(rows);
    Eigen::Index i = 0;
    for_each([&](double v) { out(i++) = v; });
    return out;
  }
  void clear() { *this = NumberStore(); }

 private:
  std::vector<std::unique_ptr<double[]>> blocks_;
  std::vector<std::size_t> sizes_;
  std::size_t used_ = 0, capacity_ = 0, bytes_ = 0;
};

struct ColumnBuilder {
  std::string name;
  bool kept = true;
  NumberStore values;
  std::optional<std::string> problem;
  std::vector<std::string> texts;  // of a text column
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

// Thrown inside a record when the text read so far ends before the record does.
struct NeedMore {};

class Reader {
 public:
  // Text in memory.
  Reader(std::string_view text, const std::string& source, const CsvOptions& options)
      : text_(text), source_(source), options_(options), eof_(true), rewindable_(true) {}
  // A file read in blocks from its current position; `rewindable` when it can be read a second
  // time (a regular file).
  Reader(std::FILE* file, bool rewindable, const std::string& source, const CsvOptions& options)
      : source_(source), options_(options), file_(file), eof_(false), rewindable_(rewindable) {}

  Table read() {
    available_ = options_.memory_available ? options_.memory_available : available_memory();
    budget_ = available_ / 2;
    if (file_) {
      while (!eof_ && window_.size() < 3) fill();
    } else {
      scan(text_.data(), text_.data() + text_.size());
    }
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (text_.substr(0, kBom.size()) == kBom) pos_ = kBom.size();

    if (!next_record()) throw DataError("'" + source_ + "' is empty: no header row");
    read_header();
    if (options_.check_header) options_.check_header(header_);
    const std::size_t data_pos = pos_;
    const std::size_t data_offset = base_ + pos_;
    const std::size_t data_line = line_;

    std::vector<ColumnBuilder> columns(header_.size());
    for (std::size_t c = 0; c < header_.size(); ++c) {
      columns[c].name = header_[c];
      if (options_.keep) {
        columns[c].kept = std::find(options_.keep->begin(), options_.keep->end(), header_[c]) !=
                          options_.keep->end();
      }
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
        if (!col.kept) continue;
        const std::string_view cell = field(c);
        if (col.problem) {
          if (!rewindable_) add_text(col, cell);
          continue;
        }
        double value = 0.0;
        const CellStatus status = parse_number(cell, value);
        if (status == CellStatus::kOk) {
          kept_ += col.values.push(value);
          check_budget();
        } else {
          col.problem = cell_message(c, fields_[c].line, cell, status);
          if (!rewindable_) {
            // The cells before this one cannot be read again: spell their numbers out.
            col.texts.reserve(static_cast<std::size_t>(rows));
            col.values.for_each([&](double v) {
              char out[32];
              const auto res = std::to_chars(out, out + sizeof out, v);
              add_text(col, std::string_view(out, static_cast<std::size_t>(res.ptr - out)));
            });
            add_text(col, cell);
          }
          kept_ -= col.values.bytes();
          col.values.clear();
        }
      }
    }
    if (rows == 0) throw DataError("'" + source_ + "' has a header but no data rows");

    // Which columns hold text is known only at the end, and the cells of their numeric-looking
    // first rows were not kept, so a second pass collects the text of just those columns. Files
    // that are all numbers, the large ones, never take it.
    if (rewindable_ && std::any_of(columns.begin(), columns.end(),
                                   [](const ColumnBuilder& c) { return c.problem.has_value(); })) {
      for (auto& col : columns)
        if (col.problem) col.texts.reserve(static_cast<std::size_t>(rows));
      if (file_) {
        rewind_to(data_offset);
      } else {
        pos_ = data_pos;
      }
      line_ = data_line;
      while (next_record()) {
        for (std::size_t c = 0; c < columns.size(); ++c)
          if (columns[c].problem) add_text(columns[c], field(c));
      }
    }

    Table table(source_);
    for (auto& col : columns) {
      if (!col.kept) continue;
      if (col.problem) {
        table.add_text_column(std::move(col.name), std::move(col.texts), std::move(*col.problem));
      } else {
        table.add_column(std::move(col.name), col.values.to_array(rows));
        col.values.clear();
      }
    }
    return table;
  }

 private:
  bool is_blank(char c) const {
    return (c == ' ' || c == '\t' || c == '\r') && c != options_.delimiter;
  }

  void add_text(ColumnBuilder& col, std::string_view cell) {
    col.texts.emplace_back(cell);
    kept_ += sizeof(std::string) + (cell.size() >= sizeof(std::string) / 2 ? cell.size() + 1 : 0);
    check_budget();
  }

  void check_budget() const {
    if (kept_ <= budget_) return;
    throw DataError("'" + source_ + "' is too large to read: by line " +
                    std::to_string(record_line_) + " its columns take " + format_bytes(kept_) +
                    ", more than half of the " + format_bytes(available_) + " of memory available");
  }

  // Drops the text already read, reads the next block and checks it.
  void fill() {
    window_.erase(0, pos_);
    base_ += pos_;
    pos_ = 0;
    const std::size_t old = window_.size();
    if (old > kMaxRecordLength) {
      throw DataError(source_ + ":" + std::to_string(line_) + ": record longer than " +
                      std::to_string(kMaxRecordLength) +
                      " characters (a quote that is never closed?); is this a CSV file?");
    }
    window_.resize(old + kBlockSize);
    const std::size_t got = std::fread(window_.data() + old, 1, kBlockSize, file_);
    window_.resize(old + got);
    if (got < kBlockSize) {
      if (std::ferror(file_)) {
        throw DataError("cannot read '" + source_ + "': " + std::strerror(errno));
      }
      eof_ = true;
    }
    text_ = window_;
    if (scanning_) scan(window_.data() + old, window_.data() + old + got);
  }

  void rewind_to(std::size_t offset) {
#if defined(__unix__) || defined(__APPLE__)
    const int failed = fseeko(file_, static_cast<off_t>(offset), SEEK_SET);
#else
    const int failed = std::fseek(file_, static_cast<long>(offset), SEEK_SET);
#endif
    if (failed != 0) throw DataError("cannot read '" + source_ + "': " + std::strerror(errno));
    window_.clear();
    text_ = window_;
    base_ = offset;
    pos_ = 0;
    eof_ = false;
    scanning_ = false;  // checked in the first pass
  }

  // Refuses binary data and absurd line lengths in text as it arrives (the whole text in memory,
  // or each block of a file), before it is parsed.
  void scan(const char* begin, const char* end) {
    if (const void* nul = std::memchr(begin, '\0', static_cast<std::size_t>(end - begin))) {
      const auto at = static_cast<const char*>(nul);
      const auto line = scan_line_ + static_cast<std::size_t>(std::count(begin, at, '\n'));
      throw DataError("'" + source_ +
                      "' is not a CSV file: it contains binary data (NUL byte at line " +
                      std::to_string(line) + ")");
    }
    // Text never holds the C0 control bytes other than tab, line breaks, vertical tab and form
    // feed, nor DEL; binary data without a NUL byte (compressed files, say) is full of them. A
    // delimiter or comment character chosen from them (the ASCII unit separator, say) is allowed.
    if (!binary_table_) {
      binary_table_ = true;
      for (int u = 0; u < 256; ++u) {
        const auto ch = static_cast<char>(u);
        binary_[u] = ((u < 0x20 && (u < 0x09 || u > 0x0D)) || u == 0x7F) &&
                     ch != options_.delimiter && ch != options_.comment;
      }
    }
    const char* control = begin;
    while (control != end && !binary_[static_cast<unsigned char>(*control)]) ++control;
    if (control != end) {
      const auto line = scan_line_ + static_cast<std::size_t>(std::count(begin, control, '\n'));
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", static_cast<unsigned char>(*control));
      throw DataError("'" + source_ +
                      "' is not a CSV file: it contains binary data (control byte " + code +
                      " at line " + std::to_string(line) + ")");
    }
    const char* start = begin;
    while (start < end) {
      const void* nl = std::memchr(start, '\n', static_cast<std::size_t>(end - start));
      const char* stop = nl ? static_cast<const char*>(nl) : end;
      scan_length_ += static_cast<std::size_t>(stop - start);
      if (scan_length_ > kMaxLineLength) {
        throw DataError(source_ + ":" + std::to_string(scan_line_) + ": line longer than " +
                        std::to_string(kMaxLineLength) + " characters; is this a CSV file?");
      }
      if (!nl) break;
      scan_length_ = 0;
      ++scan_line_;
      start = stop + 1;
    }
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

  // True at the end of the input; throws NeedMore at the end of the text read so far.
  bool at_end(std::size_t p) const {
    if (p < text_.size()) return false;
    if (eof_) return true;
    throw NeedMore{};
  }

  // Reads the next record into fields_, skipping blank and comment lines. False at end of input.
  bool next_record() {
    while (true) {
      const std::size_t n = text_.size();
      if (pos_ >= n) {
        if (eof_) return false;
        fill();
        continue;
      }
      std::size_t p = pos_;
      while (p < n && is_blank(text_[p])) ++p;
      if (p >= n && !eof_) {
        fill();
        continue;
      }
      const bool blank = p >= n || text_[p] == '\n';
      const bool comment = !blank && options_.comment != '\0' && text_[p] == options_.comment;
      if (!blank && !comment) break;
      const std::size_t nl = text_.find('\n', p);
      if (nl == std::string_view::npos && !eof_) {
        fill();
        continue;
      }
      pos_ = nl == std::string_view::npos ? n : nl + 1;
      ++line_;
    }
    while (true) {
      const std::size_t line = line_;
      try {
        read_record();
        return true;
      } catch (const NeedMore&) {
        line_ = line;
        fill();
      }
    }
  }

  // Reads the record starting at pos_ (not blank, not a comment).
  void read_record() {
    fields_.clear();
    buffer_.clear();
    record_line_ = line_;
    std::size_t p = pos_;
    const char delim = options_.delimiter;
    while (true) {
      Field f;
      f.line = line_;
      while (!at_end(p) && is_blank(text_[p])) ++p;
      if (!at_end(p) && text_[p] == '"') {
        p = read_quoted(p, f);
        while (!at_end(p) && is_blank(text_[p])) ++p;
        if (!at_end(p) && text_[p] != delim && text_[p] != '\n') {
          throw DataError(source_ + ":" + std::to_string(line_) + ": field " +
                          std::to_string(fields_.size() + 1) + ": unexpected character '" +
                          std::string(1, text_[p]) + "' after a closing quote");
        }
      } else {
        const std::size_t start = p;
        while (!at_end(p) && text_[p] != delim && text_[p] != '\n') ++p;
        std::size_t stop = p;
        while (stop > start && is_blank(text_[stop - 1])) --stop;
        f.view = text_.substr(start, stop - start);
      }
      fields_.push_back(f);
      if (!at_end(p) && text_[p] == delim) {
        ++p;
        continue;
      }
      if (!at_end(p)) {  // '\n'
        ++p;
        ++line_;
      }
      break;
    }
    pos_ = p;
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
        if (!eof_) throw NeedMore{};
        throw DataError(source_ + ":" + std::to_string(open_line) +
                        ": unterminated quoted field (the quote opened on this line is never "
                        "closed)");
      }
      line_ += static_cast<std::size_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(p),
                                                   text_.begin() + static_cast<std::ptrdiff_t>(q),
                                                   '\n'));
      if (!at_end(q + 1) && text_[q + 1] == '"') {
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

  std::string_view text_;  // the whole text, or window_
  const std::string& source_;
  CsvOptions options_;
  std::FILE* file_ = nullptr;
  std::string window_;    // a file's text from base_ on, read but not yet parsed
  std::size_t base_ = 0;  // the file offset of window_[0]
  bool eof_ = true;       // nothing after text_
  bool rewindable_ = true;
  bool scanning_ = true;
  bool binary_[256] = {};  // the bytes scan() refuses
  bool binary_table_ = false;
  std::size_t scan_line_ = 1, scan_length_ = 0;  // where scan() stands: line, its length so far
  std::size_t available_ = 0, budget_ = 0, kept_ = 0;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 1;
  std::vector<Field> fields_;
  std::string buffer_;
  std::vector<std::string> header_;
};

inline void check_options(const CsvOptions& options) {
  const auto reserved = [](char c) { return c == '"' || c == '\n' || c == '\r'; };
  if (options.delimiter == '\0' || reserved(options.delimiter)) {
    throw UsageError("CSV delimiter cannot be a quote, a line break or NUL");
  }
  if (reserved(options.comment) || options.comment == options.delimiter) {
    throw UsageError(
        "CSV comment character cannot be a quote, a line break or the delimiter (use '\\0' to "
        "turn comments off)");
  }
}

}  // namespace detail::csv

// Parses CSV text; `source` names it in messages and becomes the table's source().
// Throws UsageError for options that would make records ambiguous: a delimiter or comment
// character that is a quote, a line break or NUL, or the same character for both.
inline Table parse_csv(std::string_view text, const std::string& source,
                       const CsvOptions& options = {}) {
  detail::csv::check_options(options);
  return detail::csv::Reader(text, source, options).read();
}

// Reads a CSV file in blocks; the path as written is used in messages and as the table's source().
// Pipes, FIFOs and devices are read as streams.
inline Table read_csv(const std::filesystem::path& path, const CsvOptions& options = {}) {
  detail::csv::check_options(options);
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
  const bool regular = std::filesystem::is_regular_file(path, ec);
  if (regular && !options.keep) {
    // Every cell of a file without `keep` is stored, so a file larger than the memory there is
    // cannot be read (its numbers take about as much as its text): say so before reading it.
    const auto size = std::filesystem::file_size(path, ec);
    const std::size_t available =
        options.memory_available ? options.memory_available : available_memory();
    if (!ec && size > available) {
      throw DataError("'" + name + "' is too large to read: it holds " +
                      detail::csv::format_bytes(static_cast<double>(size)) + " and only " +
                      detail::csv::format_bytes(static_cast<double>(available)) +
                      " of memory are available");
    }
  }
  std::setvbuf(file.get(), nullptr, _IONBF, 0);  // reads go straight into the reader's window
  return detail::csv::Reader(file.get(), regular, name, options).read();
}

}  // namespace slfit
