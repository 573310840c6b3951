// describe_failure: what a user reads about a library's exception.
#include <gtest/gtest.h>

#include <filesystem>
#include <new>

#include "promptlist/error.h"

using namespace promptlist;

TEST(DescribeFailure, NamesTheKindOfProblemInOurWords) {
  EXPECT_EQ(describe_failure(std::bad_alloc()), "out of memory");
  const std::filesystem::filesystem_error fs("boom", "/no/such/file", std::make_error_code(std::errc::no_such_file_or_directory));
  EXPECT_EQ(describe_failure(fs), "file system: /no/such/file: No such file or directory");
  EXPECT_EQ(describe_failure(std::runtime_error("x")), "an unexpected failure: x");
  try {
    (void)std::filesystem::file_size("/no/such/file");
  } catch (const std::exception& e) {
    EXPECT_EQ(describe_failure(e).rfind("file system: /no/such/file: ", 0), 0u) << describe_failure(e);
  }
}

TEST(ErrorKind, EachKindHasItsNameAndStatus) {
  EXPECT_EQ(http_status(Error("x").kind()), 400) << "an Error is bad input unless it says otherwise";
  EXPECT_EQ(http_status(NotFound("x").kind()), 404);
  EXPECT_EQ(http_status(Unavailable("x").kind()), 503);
  EXPECT_EQ(http_status(EnvironmentError("x").kind()), 500);
  EXPECT_STREQ(to_string(ErrorKind::environment), "environment");
  EXPECT_STREQ(to_string(ErrorKind::not_found), "not found");
  // A kind survives being caught as the base type.
  try {
    throw Unavailable("no index");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::unavailable);
    EXPECT_STREQ(e.what(), "no index");
  }
}
