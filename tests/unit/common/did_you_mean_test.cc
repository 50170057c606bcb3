#include "common/did_you_mean.h"

#include <gtest/gtest.h>

namespace kha {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("token", "token"), 0u);
  EXPECT_EQ(EditDistance("tokn", "token"), 1u);
  EXPECT_EQ(EditDistance("Token", "token"), 0u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(ClosestMatch, SuggestsOnlyLikelyTypos) {
  std::vector<std::string_view> keys = {"peer_port", "client_port", "data_dir", "bin"};
  EXPECT_EQ(ClosestMatch("peer_prot", keys), "peer_port");
  EXPECT_EQ(ClosestMatch("datadir", keys), "data_dir");
  EXPECT_EQ(ClosestMatch("completely_different", keys), std::nullopt);
}

}  // namespace
}  // namespace kha
