#include "installer/cli/options.h"

#include <CLI/CLI.hpp>

namespace kha::cli {
namespace {

constexpr const char* kDescription =
    "kha-install turns one answer file into this node's part of a highly-available\n"
    "Kubernetes control plane: etcd member, apiserver/controller-manager/scheduler,\n"
    "kubelet/kube-proxy/flanneld, and the local API proxy (kha-proxy). It detects\n"
    "Ubuntu 14.04 (upstart) or 16.04+ (systemd), writes every config atomically\n"
    "(backups and a manifest under /var/lib/kha), and restarts services in order.\n";

constexpr const char* kExamples =
    "\nExamples:\n"
    "  sudo kha-install answers.toml                  all roles of the node whose IP is local\n"
    "  sudo kha-install --role master answers.toml    only the master part\n"
    "  kha-install --dry-run --node infra1 answers.toml\n"
    "                                                 show every file diff and command; touch "
    "nothing\n"
    "  kha-install --root /tmp/n0 --node infra0 answers.toml\n"
    "                                                 render infra0 into /tmp/n0 (reads "
    "/tmp/n0/etc/os-release)\n"
    "  kha-install nodes answers.toml                 list the nodes and their roles\n"
    "  sudo kha-install uninstall                     stop kha's services, remove what kha "
    "wrote,\n"
    "                                                 restore backups\n"
    "\nExit codes: 0 done, 1 failed while applying (rolled back), 2 bad usage or bad input\n"
    "(nothing touched), 3 host not supported (nothing touched).\n"
    "The answer file's keys are documented in /usr/share/doc/kha/answers.toml and "
    "kha-install(8).\n";

}  // namespace

ParseResult ParseCommandLine(int argc, char** argv) {
  Options options;
  CLI::App app(kDescription, "kha-install");
  app.set_version_flag(
      "--version", std::string("kha-install ") + KHA_VERSION + " (built " + KHA_BUILD_DATE + ")");
  app.footer(kExamples);
  app.get_formatter()->column_width(34);
  app.require_subcommand(0, 1);

  auto add_install_options = [&options](CLI::App& command) {
    command
        .add_option("--role", options.role,
                    "Install only this role's part (the node must have it); default: all the "
                    "node's roles")
        ->check(CLI::IsMember({"etcd", "master", "worker"}));
    command.add_option("--node", options.node,
                       "Which [[node]] of the answer file this host is; default: the node whose ip "
                       "is one of this host's addresses");
  };
  auto add_root_option = [&options](CLI::App& command) {
    command
        .add_option("--root", options.root,
                    "Install into DIR as if it were / (reads DIR/etc/os-release; starts no "
                    "service)")
        ->check(CLI::ExistingDirectory);
  };

  add_install_options(app);
  add_root_option(app);
  app.add_option("--force-os", options.force_os,
                 "Treat the host as this release, e.g. ubuntu-16.04 or ubuntu-14.04, when "
                 "detection refuses it");
  app.add_flag("-n,--dry-run", options.dry_run,
               "Print the plan (file diffs, packages, service actions) and touch nothing");
  app.add_flag("--no-start", options.no_start, "Write everything but start or restart nothing");
  app.add_flag("--offline", options.offline,
               "Never use the network; take dependencies from the bundle only");
  app.add_option("--bundle", options.bundle,
                 "Take binaries, .debs and source tarballs from this signed bundle (kha-bundle)")
      ->check(CLI::ExistingFile);
  app.add_flag("-q,--quiet", options.quiet, "Print only warnings and errors; no progress bar");
  bool list = false, check = false, info = false;
  app.add_flag("--list", list, "List the files in the embedded payload");
  app.add_flag("--check", check, "Verify the embedded payload (size, SHA-256, signature) and exit");
  app.add_flag("--info", info, "Show version, build date, payload size and signer");
  app.add_option("--extract", options.extract_dir, "Extract the verified payload into DIR");
  app.add_option("--trusted-key", options.trusted_keys,
                 "Also trust this Ed25519 public key (PEM) for the payload's and bundle's "
                 "signature; repeat for more keys")
      ->allow_extra_args(false);
  app.add_flag("--require-signature", options.require_signature,
               "Refuse a payload that is not signed by a trusted key");
  app.add_option("ANSWERS", options.answers, "The answer file (TOML), e.g. answers.toml");

  CLI::App* uninstall = app.add_subcommand(
      "uninstall",
      "Stop the services kha installed (in reverse start order), remove every file kha "
      "wrote (keeping, with a warning, files changed since) and restore the backups");
  add_root_option(*uninstall);
  uninstall->add_flag("-n,--dry-run", options.dry_run,
                      "Show what would be stopped, removed and restored; touch nothing");
  uninstall->add_flag("-q,--quiet", options.quiet, "Print only warnings and errors");

  CLI::App* nodes =
      app.add_subcommand("nodes", "List the answer file's nodes, addresses and roles");
  nodes->add_option("ANSWERS", options.answers, "The answer file (TOML)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return {std::nullopt, code == 0 ? 0 : 2};
  }

  if (list + check + info + !options.extract_dir.empty() > 1) {
    std::fprintf(stderr, "kha-install: --list, --check, --info and --extract exclude each other\n");
    return {std::nullopt, 2};
  }
  if (list) options.action = Action::kList;
  if (check) options.action = Action::kCheck;
  if (info) options.action = Action::kInfo;
  if (!options.extract_dir.empty()) options.action = Action::kExtract;

  if (uninstall->parsed()) {
    options.action = Action::kUninstall;
  } else if (nodes->parsed()) {
    options.action = Action::kNodes;
  } else if (options.action == Action::kInstall && options.answers.empty()) {
    std::fprintf(stderr,
                 "kha-install: missing the answer file\nUsage: kha-install [OPTIONS] ANSWERS.toml "
                 "(see kha-install --help)\n");
    return {std::nullopt, 2};
  }
  return {options, 0};
}

}  // namespace kha::cli
