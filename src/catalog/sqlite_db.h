// catalog/sqlite_db.h: a thin RAII layer over the SQLite C API so that every
// failing call becomes a promptlist::Error naming the database and the
// statement, and no statement or handle leaks on an exception.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace promptlist {

class SqliteDb {
 public:
  // uri_query, when given ("immutable=1"), opens path as a file: URI with
  // those parameters; messages name path either way.
  SqliteDb(const std::string& path, int flags, const std::string& uri_query = {});
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  void exec(const char* sql);
  [[noreturn]] void fail(const std::string& what) const;

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

class SqliteStatement {
 public:
  SqliteStatement(const SqliteDb& db, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Binds are 1-based, as in SQLite.
  void bind(int i, std::string_view text);
  void bind(int i, std::int64_t value);
  void bind(int i, double value);
  void bind(int i, std::optional<double> value);
  void bind(int i, std::optional<int> value);
  void bind_null(int i);
  // Returns true while a row is available; false when done.
  bool step();
  void reset();  // ready for new binds and another run

  std::int64_t int64(int col) const;
  double real(int col) const;
  bool is_null(int col) const;
  std::string text(int col) const;

 private:
  const SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless committed.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb& db);
  ~SqliteTransaction();
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace promptlist
