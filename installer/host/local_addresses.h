// The host's own IPv4 addresses, behind an interface so tests can fake them.
#pragma once

#include <vector>

#include "installer/answers/ipv4.h"

namespace kha::host {

class AddressSource {
 public:
  virtual ~AddressSource() = default;
  // Every IPv4 address of every interface, sorted, without duplicates.
  virtual std::vector<answers::Ipv4> Ipv4Addresses() const = 0;
};

// The running kernel's addresses, read with getifaddrs (netlink; no NSS).
class SystemAddressSource : public AddressSource {
 public:
  std::vector<answers::Ipv4> Ipv4Addresses() const override;
};

// A fixed list, for tests and for --root runs that name their node.
class FixedAddressSource : public AddressSource {
 public:
  explicit FixedAddressSource(std::vector<answers::Ipv4> addresses);
  std::vector<answers::Ipv4> Ipv4Addresses() const override { return addresses_; }

 private:
  std::vector<answers::Ipv4> addresses_;
};

// SystemAddressSource().Ipv4Addresses(); throws kha::SystemError when
// getifaddrs fails.
std::vector<answers::Ipv4> LocalIpv4Addresses();

}  // namespace kha::host
