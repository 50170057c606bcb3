#include "installer/host/local_addresses.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace kha::host {
namespace {

using answers::Ipv4;

TEST(LocalAddressesTest, TheSystemListIncludesLoopbackSortedWithoutDuplicates) {
  std::vector<Ipv4> addresses = LocalIpv4Addresses();
  EXPECT_NE(std::find(addresses.begin(), addresses.end(), *Ipv4::Parse("127.0.0.1")),
            addresses.end());
  EXPECT_TRUE(std::is_sorted(addresses.begin(), addresses.end()));
  EXPECT_EQ(std::adjacent_find(addresses.begin(), addresses.end()), addresses.end());
}

TEST(LocalAddressesTest, AFixedSourceSortsAndDeduplicates) {
  FixedAddressSource source(
      {*Ipv4::Parse("10.211.55.16"), *Ipv4::Parse("10.211.55.14"), *Ipv4::Parse("10.211.55.16")});
  const AddressSource& as_interface = source;
  EXPECT_EQ(as_interface.Ipv4Addresses(),
            (std::vector<Ipv4>{*Ipv4::Parse("10.211.55.14"), *Ipv4::Parse("10.211.55.16")}));
}

}  // namespace
}  // namespace kha::host
