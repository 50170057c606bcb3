// kha-bundle: builds and checks signed bundles of artifacts for offline installs.
#include <cstdio>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "installer/bundle/bundle.h"
#include "installer/payload/openssl_init.h"

namespace {

constexpr char kHelp[] =
    "usage: kha-bundle COMMAND ...\n"
    "\n"
    "A bundle carries what an air-gapped node cannot download: kube binaries,\n"
    "etcd, flannel, .deb packages, source tarballs. It is one compressed archive\n"
    "with a bill of materials (every artifact's SHA-256 and size), sealed with an\n"
    "Ed25519 signature. kha-install checks the signature against the keys built\n"
    "into it or given with --trusted-key, and checks every artifact against the\n"
    "bill of materials before it uses it.\n"
    "\n"
    "commands:\n"
    "  keygen KEYFILE\n"
    "      Makes a signing key: KEYFILE (private, mode 0600; keep it off the nodes)\n"
    "      and KEYFILE.pub (give this one to kha-install --trusted-key).\n"
    "  create --key KEYFILE --out BUNDLE [--version V] [--compression zstd|xz|none]\n"
    "         [--level N] DIR\n"
    "      Packs every file under DIR, named by its path below DIR, and signs it.\n"
    "  verify --trusted-key PUB [--trusted-key PUB...] BUNDLE\n"
    "      Checks the signature and every artifact; prints the bill of materials.\n"
    "  list BUNDLE\n"
    "      Prints the bill of materials after checking the digests (not the\n"
    "      signature: use verify for that).\n"
    "\n"
    "example:\n"
    "  kha-bundle keygen release.key\n"
    "  kha-bundle create --key release.key --out kha-artifacts.bundle artifacts/\n"
    "  kha-bundle verify --trusted-key release.key.pub kha-artifacts.bundle\n"
    "  sudo kha-install --trusted-key release.key.pub --bundle kha-artifacts.bundle ...\n"
    "\n"
    "exit codes: 0 done, 1 failed, 2 bad usage or a refused bundle\n";

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The command's options and operands, parsed against the options it accepts.
struct Arguments {
  std::vector<std::string> operands;
  std::vector<std::pair<std::string, std::string>> options;

  std::optional<std::string> Get(const std::string& name) const {
    std::optional<std::string> value;
    for (const auto& [key, given] : options)
      if (key == name) value = given;
    return value;
  }
  std::vector<std::string> All(const std::string& name) const {
    std::vector<std::string> values;
    for (const auto& [key, given] : options)
      if (key == name) values.push_back(given);
    return values;
  }
};

Arguments Parse(int argc, char** argv, const std::vector<std::string>& accepted,
                size_t operand_count) {
  Arguments arguments;
  for (int i = 2; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument.starts_with("--")) {
      bool known = false;
      for (const std::string& name : accepted) known = known || name == argument;
      if (!known) throw UsageError(std::string(argv[1]) + ": unknown option " + argument);
      if (i + 1 >= argc) throw UsageError(argument + " needs a value");
      arguments.options.emplace_back(argument, argv[++i]);
    } else {
      arguments.operands.push_back(argument);
    }
  }
  if (arguments.operands.size() != operand_count)
    throw UsageError(std::string(argv[1]) + ": expected " + std::to_string(operand_count) +
                     (operand_count == 1 ? " operand" : " operands") + ", got " +
                     std::to_string(arguments.operands.size()));
  return arguments;
}

int Run(int argc, char** argv) {
  using namespace kha;
  if (argc < 2) throw UsageError("missing command");
  std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (command == "keygen") {
    Arguments arguments = Parse(argc, argv, {}, 1);
    std::string id = bundle::GenerateKeyFiles(arguments.operands[0]);
    std::printf("key %s: %s (private, 0600) and %s.pub\n", id.c_str(),
                arguments.operands[0].c_str(), arguments.operands[0].c_str());
    return 0;
  }
  if (command == "create") {
    Arguments arguments =
        Parse(argc, argv, {"--key", "--out", "--version", "--compression", "--level"}, 1);
    std::optional<std::string> key_file = arguments.Get("--key");
    std::optional<std::string> out = arguments.Get("--out");
    if (!key_file || !out) throw UsageError("create: --key and --out are required");
    payload::PrivateKey key = payload::PrivateKey::FromPemFile(*key_file);
    bundle::CreateOptions options;
    options.folder = arguments.operands[0];
    options.out = *out;
    options.key = &key;
    options.version = arguments.Get("--version").value_or(KHA_VERSION);
    options.compression = arguments.Get("--compression").value_or("zstd");
    options.level = std::stoi(arguments.Get("--level").value_or("6"));
    std::vector<bundle::Artifact> artifacts = bundle::Create(options);
    std::printf("%s: %zu artifacts, signed by key %s\n", out->c_str(), artifacts.size(),
                key.Public().IdHex().c_str());
    return 0;
  }
  if (command == "verify" || command == "list") {
    Arguments arguments = Parse(argc, argv,
                                command == "verify" ? std::vector<std::string>{"--trusted-key"}
                                                    : std::vector<std::string>{},
                                1);
    payload::TrustOptions trust;
    trust.trusted_key_files = arguments.All("--trusted-key");
    trust.listing_only = command == "list";
    if (command == "verify" && trust.trusted_key_files.empty())
      throw UsageError("verify: give the signer's public key with --trusted-key");
    bundle::Bundle opened = bundle::Bundle::Open(arguments.operands[0], trust);
    if (command == "verify") opened.sealed().Check();
    std::fputs(opened.FormatBillOfMaterials().c_str(), stdout);
    if (command == "verify")
      std::fprintf(stderr, "%s: verified, signed by key %s\n", arguments.operands[0].c_str(),
                   opened.sealed().signer().c_str());
    else
      std::fprintf(stderr, "%s: %s (signature not checked; use verify)\n",
                   arguments.operands[0].c_str(),
                   opened.sealed().trailer().is_signed()
                       ? ("signed by key " + opened.sealed().signer()).c_str()
                       : "unsigned");
    return 0;
  }
  throw UsageError("unknown command \"" + command + "\"");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    kha::payload::InitOpenSsl();
    return Run(argc, argv);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "kha-bundle: %s\nrun \"kha-bundle --help\" for usage\n", error.what());
    return 2;
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "kha-bundle: bad number: %s\n", error.what());
    return 2;
  } catch (const kha::payload::PayloadError& error) {
    std::fprintf(stderr, "kha-bundle: %s\n", error.what());
    return error.exit_code();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kha-bundle: %s\n", error.what());
    return 1;
  }
}
