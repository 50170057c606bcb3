// kha-install: see installer/cli for the command line.
#include <cstdio>

int main() {
  std::puts("kha-install " KHA_VERSION);
  return 0;
}
