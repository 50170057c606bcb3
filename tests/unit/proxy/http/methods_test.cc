// Pound's xHTTP method groups and the statuses for methods outside them.
#include <gtest/gtest.h>

#include "proxy/http/parser.h"

namespace kha::proxy::http {
namespace {

TEST(Methods, PoundGroups) {
  for (std::string_view m : {"GET", "POST", "HEAD"}) {
    EXPECT_TRUE(MethodAllowed(m, 0)) << m;
  }
  for (std::string_view m : {"PUT", "PATCH", "DELETE"}) {
    EXPECT_FALSE(MethodAllowed(m, 0)) << m;
    EXPECT_TRUE(MethodAllowed(m, 1)) << m;
  }
  for (std::string_view m :
       {"LOCK", "UNLOCK", "PROPFIND", "PROPPATCH", "SEARCH", "MKCOL", "MOVE", "COPY", "OPTIONS",
        "TRACE", "MKACTIVITY", "CHECKOUT", "MERGE", "REPORT"}) {
    EXPECT_FALSE(MethodAllowed(m, 1)) << m;
    EXPECT_TRUE(MethodAllowed(m, 2)) << m;
  }
  for (std::string_view m : {"SUBSCRIBE", "UNSUBSCRIBE", "NOTIFY", "BPROPFIND", "BPROPPATCH",
                             "POLL", "BMOVE", "BCOPY", "BDELETE", "CONNECT"}) {
    EXPECT_FALSE(MethodAllowed(m, 2)) << m;
    EXPECT_TRUE(MethodAllowed(m, 3)) << m;
  }
}

TEST(Methods, StatusAboveTheLevelIs405AndUnknownIs501) {
  EXPECT_EQ(MethodStatus("GET", 0), 0);
  EXPECT_EQ(MethodStatus("PATCH", 0), 405);
  EXPECT_EQ(MethodStatus("PATCH", 1), 0);
  EXPECT_EQ(MethodStatus("CONNECT", 2), 405);
  EXPECT_EQ(MethodStatus("BREW", 3), 501);
  EXPECT_EQ(MethodStatus("get", 3), 501);  // methods are case-sensitive
  EXPECT_FALSE(MethodAllowed("BREW", 3));
}

TEST(Methods, ReasonPhrases) {
  EXPECT_EQ(ReasonPhrase(405), "Method Not Allowed");
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(505), "HTTP Version Not Supported");
  EXPECT_EQ(ReasonPhrase(299), "Unknown");
}

}  // namespace
}  // namespace kha::proxy::http
