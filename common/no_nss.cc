// Replacements for the glibc functions that, in a static executable, would
// load the host's NSS modules or shared objects at run time (glibc warns
// "requires at runtime the shared libraries from the glibc version used for
// linking"; on an Ubuntu 14.04 host that is a crash waiting to happen).
// kha_executable() links static executables with -Wl,--wrap=NAME for each, so
// every call to NAME lands in __wrap_NAME here. Numeric addresses still work;
// names fail cleanly, as if they did not resolve; dynamic loading is refused.
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// One allocation per result: the addrinfo followed by its address, so
// __wrap_freeaddrinfo frees exactly what __wrap_getaddrinfo made.
struct NumericResult {
  addrinfo info;
  sockaddr_storage address;
};

bool ParsePort(const char* service, int flags, uint16_t* port) {
  *port = 0;
  if (service == nullptr) return true;
  char* end = nullptr;
  errno = 0;
  unsigned long value = std::strtoul(service, &end, 10);
  if (service[0] == '\0' || *end != '\0' || errno != 0 || value > 65535) return false;
  (void)flags;
  *port = htons(static_cast<uint16_t>(value));
  return true;
}

}  // namespace

// The __wrap_ names are dictated by the linker's --wrap=<symbol> option.
// NOLINTBEGIN(bugprone-reserved-identifier)
extern "C" {

int __wrap_getaddrinfo(const char* node, const char* service, const addrinfo* hints,
                       addrinfo** result) {
  int family = hints != nullptr ? hints->ai_family : AF_UNSPEC;
  int flags = hints != nullptr ? hints->ai_flags : 0;
  uint16_t port = 0;
  if (!ParsePort(service, flags, &port)) return EAI_SERVICE;

  auto* numeric = static_cast<NumericResult*>(std::calloc(1, sizeof(NumericResult)));
  if (numeric == nullptr) return EAI_MEMORY;
  addrinfo& info = numeric->info;
  info.ai_socktype = hints != nullptr ? hints->ai_socktype : 0;
  info.ai_protocol = hints != nullptr ? hints->ai_protocol : 0;
  info.ai_addr = reinterpret_cast<sockaddr*>(&numeric->address);

  auto* v4 = reinterpret_cast<sockaddr_in*>(&numeric->address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&numeric->address);
  bool passive = (flags & AI_PASSIVE) != 0;
  if (node == nullptr && (family == AF_INET || family == AF_UNSPEC)) {
    v4->sin_addr.s_addr = htonl(passive ? INADDR_ANY : INADDR_LOOPBACK);
    info.ai_family = AF_INET;
  } else if (node == nullptr && family == AF_INET6) {
    v6->sin6_addr = passive ? in6addr_any : in6addr_loopback;
    info.ai_family = AF_INET6;
  } else if (node != nullptr && family != AF_INET6 &&
             inet_pton(AF_INET, node, &v4->sin_addr) == 1) {
    info.ai_family = AF_INET;
  } else if (node != nullptr && family != AF_INET &&
             inet_pton(AF_INET6, node, &v6->sin6_addr) == 1) {
    info.ai_family = AF_INET6;
  } else {
    std::free(numeric);
    return EAI_NONAME;  // a name: never resolved by a static kha executable
  }
  if (info.ai_family == AF_INET) {
    v4->sin_family = AF_INET;
    v4->sin_port = port;
    info.ai_addrlen = sizeof(sockaddr_in);
  } else {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = port;
    info.ai_addrlen = sizeof(sockaddr_in6);
  }
  *result = &info;
  return 0;
}

void __wrap_freeaddrinfo(addrinfo* result) {
  while (result != nullptr) {
    addrinfo* next = result->ai_next;
    std::free(result);  // info is the first member of NumericResult
    result = next;
  }
}

int __wrap_getnameinfo(const sockaddr* address, socklen_t length, char* host, socklen_t host_length,
                       char* service, socklen_t service_length, int flags) {
  if ((flags & NI_NAMEREQD) != 0) return EAI_NONAME;
  const void* raw = nullptr;
  uint16_t port = 0;
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    raw = &v4->sin_addr;
    port = ntohs(v4->sin_port);
  } else if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    raw = &v6->sin6_addr;
    port = ntohs(v6->sin6_port);
  } else {
    return EAI_FAMILY;
  }
  if (host != nullptr && host_length > 0 &&
      inet_ntop(address->sa_family, raw, host, host_length) == nullptr)
    return EAI_OVERFLOW;
  if (service != nullptr && service_length > 0) {
    int written = std::snprintf(service, service_length, "%u", static_cast<unsigned>(port));
    if (written < 0 || static_cast<socklen_t>(written) >= service_length) return EAI_OVERFLOW;
  }
  return 0;
}

hostent* __wrap_gethostbyname(const char*) {
  h_errno = HOST_NOT_FOUND;
  return nullptr;
}

void* __wrap_dlopen(const char*, int) { return nullptr; }
void* __wrap_dlsym(void*, const char*) { return nullptr; }
int __wrap_dladdr(const void*, Dl_info*) { return 0; }
int __wrap_dlclose(void*) { return 0; }
char* __wrap_dlerror() {
  static char message[] = "dynamic loading is disabled in this static executable";
  return message;
}

}  // extern "C"
// NOLINTEND(bugprone-reserved-identifier)
