#include "installer/host/local_addresses.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "common/file_util.h"

namespace kha::host {
namespace {

std::vector<answers::Ipv4> SortedUnique(std::vector<answers::Ipv4> addresses) {
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

}  // namespace

std::vector<answers::Ipv4> SystemAddressSource::Ipv4Addresses() const {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) throw SystemError("cannot list", "the network interfaces", errno);
  std::vector<answers::Ipv4> addresses;
  for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    sockaddr_in address{};
    std::copy_n(reinterpret_cast<const char*>(entry->ifa_addr), sizeof address,
                reinterpret_cast<char*>(&address));
    addresses.push_back(answers::Ipv4{ntohl(address.sin_addr.s_addr)});
  }
  freeifaddrs(list);
  return SortedUnique(std::move(addresses));
}

FixedAddressSource::FixedAddressSource(std::vector<answers::Ipv4> addresses)
    : addresses_(SortedUnique(std::move(addresses))) {}

std::vector<answers::Ipv4> LocalIpv4Addresses() { return SystemAddressSource().Ipv4Addresses(); }

}  // namespace kha::host
