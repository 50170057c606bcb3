#include "proxy/balance/selector.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

namespace kha::proxy::balance {
namespace {

struct Pool {
  std::vector<std::unique_ptr<Backend>> owned;
  std::vector<Backend*> raw;
  Backend* Add(const std::string& address, int priority) {
    owned.push_back(std::make_unique<Backend>(address, 80, priority, false));
    raw.push_back(owned.back().get());
    return raw.back();
  }
};

std::string Sequence(Selector& selector, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    Backend* b = selector.Pick();
    out += b == nullptr ? '-' : b->address()[0];
  }
  return out;
}

TEST(SelectorTest, SmoothWeightedOrder) {
  Pool pool;
  pool.Add("a", 5);
  pool.Add("b", 1);
  pool.Add("c", 1);
  Selector selector(pool.raw);
  EXPECT_EQ(Sequence(selector, 14), "aabacaaaabacaa");
}

TEST(SelectorTest, EqualWeightsAlternate) {
  Pool pool;
  pool.Add("a", 1);
  pool.Add("b", 1);
  pool.Add("c", 1);
  Selector selector(pool.raw);
  EXPECT_EQ(Sequence(selector, 6), "abcabc");
}

TEST(SelectorTest, ShareFollowsPriority) {
  Pool pool;
  pool.Add("a", 9);
  pool.Add("b", 3);
  Selector selector(pool.raw);
  std::map<char, int> counts;
  for (char c : Sequence(selector, 1200)) ++counts[c];
  EXPECT_EQ(counts['a'], 900);
  EXPECT_EQ(counts['b'], 300);
}

TEST(SelectorTest, SkipsDeadAndDisabledAndTried) {
  Pool pool;
  Backend* a = pool.Add("a", 1);
  Backend* b = pool.Add("b", 1);
  pool.Add("c", 1);
  Selector selector(pool.raw);
  a->MarkDead("connection refused");
  EXPECT_EQ(Sequence(selector, 4), "bcbc");
  b->SetDisabled(true);
  EXPECT_EQ(Sequence(selector, 2), "cc");
  Backend* tried[] = {pool.raw[2]};
  EXPECT_EQ(selector.Pick(tried), nullptr);
  b->SetDisabled(false);
  EXPECT_EQ(selector.Pick(tried), b);
}

TEST(SelectorTest, NoneUsable) {
  Pool pool;
  pool.Add("a", 1)->MarkDead("x");
  Selector selector(pool.raw);
  EXPECT_EQ(selector.Pick(), nullptr);
  Selector empty;
  EXPECT_EQ(empty.Pick(), nullptr);
}

TEST(BackendTest, StateTransitions) {
  Backend backend("10.0.0.1", 8080, 1, false);
  EXPECT_EQ(backend.name(), "10.0.0.1:8080");
  EXPECT_EQ(backend.status(), BackendStatus::kAlive);
  EXPECT_TRUE(backend.MarkDead("connect: Connection refused"));
  EXPECT_FALSE(backend.MarkDead("connect: Connection refused"));
  EXPECT_EQ(backend.status(), BackendStatus::kDead);
  EXPECT_EQ(backend.last_error(), "connect: Connection refused");
  backend.SetDisabled(true);
  EXPECT_EQ(backend.status(), BackendStatus::kDisabled);
  EXPECT_EQ(ToString(backend.status()), "disabled");
  backend.SetDisabled(false);
  EXPECT_TRUE(backend.MarkAlive());
  EXPECT_FALSE(backend.MarkAlive());
  EXPECT_TRUE(backend.Usable());
  Backend v6("::1", 80, 1, false);
  EXPECT_EQ(v6.name(), "[::1]:80");
}

}  // namespace
}  // namespace kha::proxy::balance
