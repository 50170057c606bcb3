#include "installer/deps/execute.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/file_util.h"
#include "installer/deps/presence.h"

namespace kha::deps {
namespace {

namespace fs = std::filesystem;

// Runs commands for real and remembers them.
class TeeRunner : public run::Runner {
 public:
  run::Result Run(const run::Command& command) override {
    commands.push_back(command.argv);
    return real_.Run(command);
  }
  std::vector<std::vector<std::string>> commands;

 private:
  run::ProcessRunner real_{""};
};

class ExecuteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "kha-deps-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    root_ = dir_ / "root";
    fs::create_directories(root_);
    fs::create_directories(dir_ / "artifacts/debs");
    fs::create_directories(dir_ / "artifacts/src");
    bundle::GenerateKeyFiles((dir_ / "release.key").string());
    key_ = payload::PrivateKey::FromPemFile((dir_ / "release.key").string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Write(const fs::path& path, const std::string& contents, fs::perms mode = {}) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << contents;
    if (mode != fs::perms{}) fs::permissions(path, mode);
  }

  static void Shell(const std::string& command) {
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  // A .deb built with dpkg-deb, holding /usr/share/PACKAGE/marker.
  void BuildDeb(const std::string& package, const std::string& depends) {
    fs::path tree = dir_ / ("tree-" + package);
    Write(tree / "DEBIAN/control", "Package: " + package +
                                       "\nVersion: 1.0\nArchitecture: all\n"
                                       "Maintainer: kha tests <tests@kha.invalid>\n" +
                                       (depends.empty() ? "" : "Depends: " + depends + "\n") +
                                       "Description: kha test package\n");
    Write(tree / ("usr/share/" + package + "/marker"), package + "\n");
    Shell("dpkg-deb --root-owner-group --build " + tree.string() + " " +
          (dir_ / "artifacts/debs" / (package + "_1.0_all.deb")).string() + " >/dev/null");
  }

  // A source tarball whose configure writes a Makefile that compiles and
  // installs PREFIX/bin/hello-kha.
  void BuildSourceTarball(const std::string& configure_exit = "0") {
    fs::path src = dir_ / "src/hello-1.0";
    Write(src / "hello.c",
          "#include <stdio.h>\nint main(void) { puts(\"hello from kha\"); return 0; }\n");
    Write(src / "configure",
          "#!/bin/sh\nprefix=/usr\nfor a; do case $a in --prefix=*) prefix=${a#--prefix=};; "
          "esac; done\necho \"configuring for $prefix\"\n"
          "printf 'all: hello-kha\\nhello-kha: hello.c\\n\\tcc -o hello-kha hello.c\\n"
          "install: hello-kha\\n\\tmkdir -p $(DESTDIR)%s/bin\\n\\tcp hello-kha "
          "$(DESTDIR)%s/bin/\\n' \"$prefix\" \"$prefix\" > Makefile\nexit " +
              configure_exit + "\n",
          fs::perms::owner_all);
    Shell("tar -czf " + (dir_ / "artifacts/src/hello.tar.gz").string() + " -C " +
          (dir_ / "src").string() + " hello-1.0");
  }

  bundle::Bundle MakeBundle() {
    bundle::CreateOptions options;
    options.folder = (dir_ / "artifacts").string();
    options.out = (dir_ / "kha.bundle").string();
    options.key = &*key_;
    options.version = "1";
    bundle::Create(options);
    payload::TrustOptions trust;
    trust.use_builtin_keys = false;
    trust.trusted_key_files = {(dir_ / "release.key.pub").string()};
    return bundle::Bundle::Open(options.out, trust);
  }

  static std::vector<std::string> Names(const bundle::Bundle& bundle) {
    std::vector<std::string> names;
    for (const bundle::Artifact& artifact : bundle.Artifacts()) names.push_back(artifact.name);
    return names;
  }

  static Need Package(const std::string& name, const std::string& apt, const std::string& source) {
    Need need;
    need.kind = Kind::kPackage;
    need.name = name;
    need.roles = "worker";
    need.apt = apt;
    need.source = source;
    return need;
  }

  ExecuteOptions Options() const {
    ExecuteOptions options;
    options.root = root_.string();
    return options;
  }

  fs::path dir_;
  fs::path root_;
  std::optional<payload::PrivateKey> key_;
  run::RecordingRunner probe_;
};

TEST_F(ExecuteTest, AptGoesThroughTheRunner) {
  DepsPlan plan = MakeDepsPlan({Package("socat", "socat", ""), Package("ebtables", "ebtables", "")},
                               {}, {}, {});
  run::RecordingRunner runner;
  ExecuteDepsPlan(plan, nullptr, runner, {});
  ASSERT_EQ(runner.commands().size(), 2u);
  EXPECT_EQ(run::Describe(runner.commands()[0]), "apt-get update -q");
  EXPECT_EQ(run::Describe(runner.commands()[1]),
            "apt-get install -y -q --no-install-recommends socat ebtables");
}

TEST_F(ExecuteTest, AptFailureNamesTheCommandAndOutput) {
  DepsPlan plan = MakeDepsPlan({Package("socat", "socat", "")}, {}, {}, {});
  run::RecordingRunner runner;
  runner.Script({0, "Reading package lists...\n"});
  runner.Script({100, "Reading package lists...\nE: Unable to locate package socat\n"});
  try {
    ExecuteDepsPlan(plan, nullptr, runner, {});
    FAIL() << "no error";
  } catch (const StepError& error) {
    EXPECT_STREQ(error.what(),
                 "install socat from the archive: `apt-get install -y -q --no-install-recommends "
                 "socat` exited with status 100\n"
                 "    Reading package lists...\n"
                 "    E: Unable to locate package socat");
  }
}

TEST_F(ExecuteTest, BundledDebsInstallInDependencyOrderUnderRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "dpkg -i needs root (CI runs as root)";
  BuildDeb("kha-test-base", "");
  BuildDeb("kha-test-app", "kha-test-base (>= 1.0)");
  BuildDeb("kha-test-other", "");
  bundle::Bundle bundle = MakeBundle();
  DepsPlan plan =
      MakeDepsPlan({Package("app", "kha-test-app", "")}, ProbePresence(root_.string(), {}, probe_),
                   Names(bundle), {root_.string(), true});
  TeeRunner runner;
  ExecuteDepsPlan(plan, &bundle, runner, Options());

  std::vector<std::vector<std::string>> dpkg;
  for (const auto& argv : runner.commands)
    if (argv[0] == "dpkg") dpkg.push_back(argv);
  std::string staged = (root_ / "var/cache/kha-install/debs/").string();
  ASSERT_EQ(dpkg.size(), 2u);
  EXPECT_EQ(dpkg[0], (std::vector<std::string>{"dpkg", "--root=" + root_.string(),
                                               "--log=" + (root_ / "var/log/dpkg.log").string(),
                                               "-i", staged + "kha-test-base_1.0_all.deb"}));
  EXPECT_EQ(dpkg[1].back(), staged + "kha-test-app_1.0_all.deb");
  EXPECT_EQ(ReadFile((root_ / "usr/share/kha-test-app/marker").string()), "kha-test-app\n");
  EXPECT_EQ(ReadFile((root_ / "usr/share/kha-test-base/marker").string()), "kha-test-base\n");
  EXPECT_FALSE(fs::exists(root_ / "usr/share/kha-test-other"));
  std::map<std::string, std::string> installed =
      ParseDpkgStatus(ReadFile((root_ / "var/lib/dpkg/status").string()));
  EXPECT_EQ(installed, (std::map<std::string, std::string>{{"kha-test-app", "1.0"},
                                                           {"kha-test-base", "1.0"}}));

  // A second run finds both installed and plans nothing.
  run::RecordingRunner recorder;
  DepsPlan again = MakeDepsPlan({Package("app", "kha-test-app", "")},
                                ProbePresence(root_.string(), {}, recorder), Names(bundle),
                                {root_.string(), true});
  EXPECT_EQ(FormatDepsPlan(again), "present: app (package kha-test-app 1.0)\n");
}

TEST_F(ExecuteTest, SourceTarballIsBuiltIntoUsrLocalWithItsLogKept) {
  BuildSourceTarball();
  bundle::Bundle bundle = MakeBundle();
  run::RecordingRunner probe;
  Presence presence = ProbePresence("/", {}, probe);
  DepsPlan plan = MakeDepsPlan({Package("hello", "", "src/hello.tar.gz")}, presence, Names(bundle),
                               {root_.string(), true});
  TeeRunner runner;
  ExecuteDepsPlan(plan, &bundle, runner, Options());

  fs::path installed = root_ / "usr/local/bin/hello-kha";
  ASSERT_TRUE(fs::exists(installed));
  run::ProcessRunner real("");
  EXPECT_EQ(real.Run({{installed.string()}, "", {}}).output, "hello from kha\n");
  std::string log = ReadFile((root_ / "var/log/kha-install/build-hello.log").string());
  EXPECT_NE(log.find("configuring for /usr/local\n"), std::string::npos) << log;
  EXPECT_NE(log.find("$ make install DESTDIR=" + root_.string() + "\n"), std::string::npos) << log;
}

TEST_F(ExecuteTest, FailedBuildNamesItsLog) {
  BuildSourceTarball("3");
  bundle::Bundle bundle = MakeBundle();
  Presence presence;
  presence.build_tools.insert(kBuildTools.begin(), kBuildTools.end());
  DepsPlan plan = MakeDepsPlan({Package("hello", "", "src/hello.tar.gz")}, presence, Names(bundle),
                               {root_.string(), true});
  TeeRunner runner;
  std::string log = (root_ / "var/log/kha-install/build-hello.log").string();
  try {
    ExecuteDepsPlan(plan, &bundle, runner, Options());
    FAIL() << "no error";
  } catch (const StepError& error) {
    EXPECT_STREQ(error.what(), ("building hello from src/hello.tar.gz: `sh ./configure "
                                "--prefix=/usr/local` exited with status 3; the build log is " +
                                log + "\n    configuring for /usr/local")
                                   .c_str());
  }
  EXPECT_FALSE(fs::exists(root_ / "usr/local"));
}

TEST_F(ExecuteTest, OfflineWithMissingArtifactFailsBeforeWritingAnything) {
  BuildDeb("kha-test-base", "");
  bundle::Bundle bundle = MakeBundle();
  run::RecordingRunner runner;
  std::vector<Need> needs = {Package("base", "kha-test-base", ""),
                             Package("socat", "socat", "src/socat.tar.gz")};
  try {
    DepsPlan plan = MakeDepsPlan(needs, ProbePresence(root_.string(), needs, runner), Names(bundle),
                                 {root_.string(), true});
    ExecuteDepsPlan(plan, &bundle, runner, Options());
    FAIL() << "no error";
  } catch (const UnsatisfiedError& error) {
    EXPECT_STREQ(error.what(),
                 "1 dependency cannot be satisfied with --offline; nothing was changed:\n"
                 "  socat (worker): not installed, and the bundle has no debs/socat_*.deb nor "
                 "src/socat.tar.gz");
  }
  EXPECT_TRUE(runner.commands().empty());
  EXPECT_TRUE(fs::is_empty(root_));
}

TEST_F(ExecuteTest, BinaryIsCopiedVerifiedFromTheBundle) {
  Write(dir_ / "artifacts/bin/etcd", "#!/bin/sh\necho etcd Version: 3.0.17\n");
  bundle::Bundle bundle = MakeBundle();
  Need etcd;
  etcd.name = "etcd";
  etcd.roles = "etcd";
  etcd.path = "/opt/bin/etcd";
  etcd.bundle = "bin/etcd";
  etcd.version = "3.0.17";
  run::ProcessRunner real("");
  DepsPlan plan = MakeDepsPlan({etcd}, ProbePresence(root_.string(), {etcd}, real), Names(bundle),
                               {root_.string(), true});
  run::RecordingRunner runner;
  ExecuteDepsPlan(plan, &bundle, runner, Options());
  EXPECT_TRUE(runner.commands().empty());
  struct stat info;
  ASSERT_EQ(stat((root_ / "opt/bin/etcd").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0755u);
  // Now present with its version: nothing to do.
  EXPECT_EQ(FormatDepsPlan(MakeDepsPlan({etcd}, ProbePresence(root_.string(), {etcd}, real),
                                        Names(bundle), {root_.string(), true})),
            "present: etcd (/opt/bin/etcd)\n");
}

}  // namespace
}  // namespace kha::deps
