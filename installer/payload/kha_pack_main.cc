// kha-pack: the build-time packer. Appends a verified, optionally signed
// payload to the kha-install stub (or writes a bare bundle), then opens the
// result the way kha-install will and checks every entry.
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <string>

#include "installer/payload/openssl_init.h"
#include "installer/payload/pack.h"
#include "installer/payload/sealed.h"

namespace {

constexpr char kUsage[] =
    "usage: kha-pack --out FILE [--stub EXECUTABLE] [--kind installer|bundle]\n"
    "                [--version V] [--build-date D] [--compression zstd|xz|none]\n"
    "                [--level N] [--key PRIVATE.pem] DEST=SOURCE...\n"
    "\n"
    "Packs each SOURCE (a file, or a folder taken whole) at DEST inside a\n"
    "compressed tar with a manifest (path, type, mode, size, SHA-256 of every\n"
    "entry), appends it to the stub and seals it with a trailer holding both\n"
    "digests and, with --key, an Ed25519 signature. FILE is replaced atomically.\n";

int Usage(const std::string& problem) {
  std::fprintf(stderr, "kha-pack: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kha::payload;
  try {
    InitOpenSsl();
    PackOptions options;
    std::string out;
    std::string key_file;
    for (int i = 1; i < argc; ++i) {
      std::string argument = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(argument + " needs a value");
        return argv[++i];
      };
      if (argument == "--help" || argument == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
      } else if (argument == "--out") {
        out = value();
      } else if (argument == "--stub") {
        options.stub_path = value();
      } else if (argument == "--kind") {
        std::string kind = value();
        if (kind != "installer" && kind != "bundle")
          throw std::invalid_argument("--kind is installer or bundle");
        options.kind = kind == "installer" ? Kind::kInstaller : Kind::kBundle;
      } else if (argument == "--version") {
        options.version = value();
      } else if (argument == "--build-date") {
        options.build_date = value();
      } else if (argument == "--compression") {
        options.compression = value();
      } else if (argument == "--level") {
        options.level = std::stoi(value());
      } else if (argument == "--key") {
        key_file = value();
      } else if (argument.starts_with("-")) {
        throw std::invalid_argument("unknown option " + argument);
      } else {
        size_t equals = argument.find('=');
        if (equals == std::string::npos || equals == 0)
          throw std::invalid_argument("expected DEST=SOURCE, got \"" + argument + "\"");
        options.inputs.push_back({argument.substr(equals + 1), argument.substr(0, equals)});
      }
    }
    if (out.empty()) throw std::invalid_argument("--out is required");

    std::optional<PrivateKey> key;
    TrustOptions trust;
    trust.use_builtin_keys = false;
    if (!key_file.empty()) {
      key = PrivateKey::FromPemFile(key_file);
      options.key = &*key;
      trust.trusted_key_pems.push_back(key->Public().ToPem());
      trust.require_signature = true;
    }
    uint64_t size = Pack(options, out);
    SealedFile::Open(out, options.kind, trust).Check();
    std::printf("kha-pack: %s: %llu-byte %s payload, %s\n", out.c_str(),
                static_cast<unsigned long long>(size), options.compression.c_str(),
                key ? ("signed by key " + key->Public().IdHex()).c_str() : "unsigned");
    return 0;
  } catch (const std::invalid_argument& error) {
    return Usage(error.what());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kha-pack: %s\n", error.what());
    return 1;
  }
}
