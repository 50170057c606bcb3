// The __wrap_ replacements of common/no_nss.cc, called directly (in a static
// build the linker routes getaddrinfo & co. to them).
#include <arpa/inet.h>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <netdb.h>

// The __wrap_ names are dictated by the linker's --wrap=<symbol> option.
// NOLINTBEGIN(bugprone-reserved-identifier)
extern "C" {
int __wrap_getaddrinfo(const char*, const char*, const addrinfo*, addrinfo**);
void __wrap_freeaddrinfo(addrinfo*);
int __wrap_getnameinfo(const sockaddr*, socklen_t, char*, socklen_t, char*, socklen_t, int);
hostent* __wrap_gethostbyname(const char*);
void* __wrap_dlopen(const char*, int);
char* __wrap_dlerror();
}
// NOLINTEND(bugprone-reserved-identifier)

namespace {

TEST(NoNss, NumericAddressesResolve) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  ASSERT_EQ(__wrap_getaddrinfo("10.211.55.14", "8080", &hints, &result), 0);
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(result->ai_family, AF_INET);
  EXPECT_EQ(result->ai_socktype, SOCK_STREAM);
  char host[64];
  char port[16];
  ASSERT_EQ(__wrap_getnameinfo(result->ai_addr, result->ai_addrlen, host, sizeof host, port,
                               sizeof port, NI_NUMERICHOST | NI_NUMERICSERV),
            0);
  EXPECT_STREQ(host, "10.211.55.14");
  EXPECT_STREQ(port, "8080");
  __wrap_freeaddrinfo(result);

  ASSERT_EQ(__wrap_getaddrinfo("::1", nullptr, nullptr, &result), 0);
  EXPECT_EQ(result->ai_family, AF_INET6);
  __wrap_freeaddrinfo(result);
}

TEST(NoNss, NamesFailCleanly) {
  addrinfo* result = nullptr;
  EXPECT_EQ(__wrap_getaddrinfo("localhost", "80", nullptr, &result), EAI_NONAME);
  EXPECT_EQ(__wrap_getaddrinfo("127.0.0.1", "http", nullptr, &result), EAI_SERVICE);
  EXPECT_EQ(__wrap_gethostbyname("localhost"), nullptr);
  EXPECT_EQ(__wrap_dlopen("libfoo.so", RTLD_NOW), nullptr);
  EXPECT_STREQ(__wrap_dlerror(), "dynamic loading is disabled in this static executable");
}

}  // namespace
