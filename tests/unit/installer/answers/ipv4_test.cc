#include "installer/answers/ipv4.h"

#include <gtest/gtest.h>

namespace kha::answers {
namespace {

TEST(Ipv4, ParsesDottedQuadsOnly) {
  EXPECT_EQ(Ipv4::Parse("10.211.55.14")->ToString(), "10.211.55.14");
  EXPECT_FALSE(Ipv4::Parse("10.211.55"));
  EXPECT_FALSE(Ipv4::Parse("10.211.55.256"));
  EXPECT_FALSE(Ipv4::Parse("010.1.1.1"));
  EXPECT_FALSE(Ipv4::Parse("1.2.3.4 "));
  EXPECT_FALSE(Ipv4::Parse(""));
}

TEST(Cidr, RejectsBadPrefixesAndHostBits) {
  EXPECT_EQ(Cidr::Parse("172.16.0.0/16")->ToString(), "172.16.0.0/16");
  EXPECT_FALSE(Cidr::Parse("172.16.0.0/33"));
  EXPECT_FALSE(Cidr::Parse("172.16.0.1/16"));
  EXPECT_FALSE(Cidr::Parse("172.16.0.0"));
  EXPECT_FALSE(Cidr::Parse("172.16.0.0/"));
}

TEST(Cidr, ContainsAndOverlaps) {
  Cidr flannel = *Cidr::Parse("172.16.0.0/16");
  EXPECT_TRUE(flannel.Contains(*Ipv4::Parse("172.16.92.1")));
  EXPECT_FALSE(flannel.Contains(*Ipv4::Parse("172.17.0.1")));
  EXPECT_TRUE(flannel.Overlaps(*Cidr::Parse("172.16.3.0/24")));
  EXPECT_TRUE(Cidr::Parse("172.16.3.0/24")->Overlaps(flannel));
  EXPECT_FALSE(flannel.Overlaps(*Cidr::Parse("192.168.3.0/24")));
  EXPECT_TRUE(Cidr::Parse("0.0.0.0/0")->Overlaps(flannel));
}

}  // namespace
}  // namespace kha::answers
