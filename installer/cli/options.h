// kha-install's command line: what the user asked for, parsed with CLI11.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kha::cli {

enum class Action {
  kInstall,    // the main job: render, write, install, (re)start
  kUninstall,  // remove what the manifest lists, restore backups
  kNodes,      // list the answer file's nodes and what each would get
  kList,       // payload: list entries
  kCheck,      // payload: verify only
  kInfo,       // payload: version, build date, size, signer
  kExtract,    // payload: extract into a folder
};

struct Options {
  Action action = Action::kInstall;
  std::string answers;              // ANSWERS.toml
  std::optional<std::string> role;  // "etcd", "master" or "worker"
  std::string node;                 // --node NAME; empty: match this host's addresses
  std::string root = "/";           // --root DIR
  std::string force_os;             // --force-os ubuntu-16.04
  bool dry_run = false;
  bool no_start = false;
  bool quiet = false;
  bool offline = false;
  std::string bundle;  // --bundle FILE: signed artifacts for offline installs
  std::string extract_dir;
  std::vector<std::string> trusted_keys;
  bool require_signature = false;
};

struct ParseResult {
  std::optional<Options> options;  // nullopt: exit with exit_code (help, version, bad usage)
  int exit_code = 0;
};

// Parses argv; prints help, version and usage errors itself.
ParseResult ParseCommandLine(int argc, char** argv);

}  // namespace kha::cli
