#include "installer/bundle/bundle.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "installer/digest/sha256.h"

namespace kha::bundle {
namespace {

namespace fs = std::filesystem;

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "kha-bundle-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ / "artifacts/debs");
    Write(dir_ / "artifacts/etcd", std::string(3000, 'e'));
    Write(dir_ / "artifacts/debs/socat_1.7.3_amd64.deb", "a deb");
    key_id_ = GenerateKeyFiles((dir_ / "release.key").string());
    key_ = payload::PrivateKey::FromPemFile((dir_ / "release.key").string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Write(const fs::path& path, const std::string& contents) {
    std::ofstream(path, std::ios::binary) << contents;
  }
  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

  fs::path CreateBundle() {
    CreateOptions options;
    options.folder = (dir_ / "artifacts").string();
    options.out = (dir_ / "kha.bundle").string();
    options.key = &*key_;
    options.version = "1.2.3";
    Create(options);
    return options.out;
  }

  payload::TrustOptions Trusting() const {
    payload::TrustOptions trust;
    trust.use_builtin_keys = false;
    trust.trusted_key_files = {(dir_ / "release.key.pub").string()};
    return trust;
  }

  std::string OpenError(const fs::path& bundle, const payload::TrustOptions& trust) {
    try {
      Bundle::Open(bundle.string(), trust);
    } catch (const payload::PayloadError& error) {
      return error.what();
    }
    return "opened";
  }

  fs::path dir_;
  std::string key_id_;
  std::optional<payload::PrivateKey> key_;
};

TEST_F(BundleTest, KeygenWritesAPrivateKeyOnlyItsOwnerReads) {
  struct stat status {};
  ASSERT_EQ(stat((dir_ / "release.key").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  EXPECT_EQ(key_id_, key_->Public().IdHex());
  try {
    GenerateKeyFiles((dir_ / "release.key").string());
    FAIL() << "replaced a key";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()),
              (dir_ / "release.key").string() + ": already exists; refusing to replace a key");
  }
}

TEST_F(BundleTest, CreateVerifyReadExtract) {
  fs::path path = CreateBundle();
  Bundle bundle = Bundle::Open(path.string(), Trusting());
  EXPECT_EQ(bundle.FormatBillOfMaterials(),
            digest::Sha256Hex("a deb") + "  5  debs/socat_1.7.3_amd64.deb\n" +
                digest::Sha256Hex(std::string(3000, 'e')) + "  3000  etcd\n");
  EXPECT_TRUE(bundle.Has("etcd"));
  EXPECT_FALSE(bundle.Has("debs"));
  EXPECT_EQ(bundle.Read("debs/socat_1.7.3_amd64.deb"), "a deb");
  bundle.ExtractTo("etcd", (dir_ / "etcd.copy").string(), 0755);
  EXPECT_EQ(Read(dir_ / "etcd.copy"), std::string(3000, 'e'));
  EXPECT_EQ(bundle.sealed().signer(), key_id_);
}

TEST_F(BundleTest, UntrustedOrUnsignedOrTamperedBundlesAreRefused) {
  fs::path path = CreateBundle();
  payload::TrustOptions nobody;
  nobody.use_builtin_keys = false;
  EXPECT_EQ(OpenError(path, nobody),
            path.string() + ": the bundle is signed by key " + key_id_ +
                ", which is not trusted (give its public key with --trusted-key)");
  // Listing checks the digests only.
  payload::TrustOptions listing = nobody;
  listing.listing_only = true;
  EXPECT_EQ(OpenError(path, listing), "opened");

  std::string whole = Read(path);
  std::string tampered = whole;
  tampered[tampered.size() / 2] ^= 1;
  Write(path, tampered);
  EXPECT_EQ(OpenError(path, Trusting()).rfind(path.string() + ": bundle checksum mismatch", 0), 0u);
  Write(path, whole.substr(0, whole.size() - 1));
  EXPECT_EQ(OpenError(path, Trusting()),
            path.string() + ": the bundle trailer is cut short: the file is truncated");
}

}  // namespace
}  // namespace kha::bundle
