#include "installer/payload/sealed.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include "installer/digest/sha256.h"
#include "installer/payload/entry_pipe.h"
#include "installer/payload/pack.h"
#include "installer/payload/payload.h"

namespace kha::payload {
namespace {

constexpr Payload::Reading kEveryEntry = Payload::Reading::kEveryEntry;

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "kha-sealed-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void Write(const fs::path& path, std::string_view contents, fs::perms mode = fs::perms(0644)) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << contents;
  fs::permissions(path, mode);
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> Listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    names.push_back(fs::relative(entry.path(), dir).string());
  std::sort(names.begin(), names.end());
  return names;
}

// What Open() throws for `path` with `options`, or "opened".
std::string OpenErrorWith(const fs::path& path, const TrustOptions& trust,
                          const OpenOptions& options) {
  try {
    SealedFile::Open(path, Kind::kInstaller, trust, options);
  } catch (const PayloadError& error) {
    EXPECT_EQ(error.exit_code(), 2);
    return error.what();
  }
  return "opened";
}

// The same, which must not depend on whether a lookahead checks the payload
// and reads its manifest on its own thread (as for --check and --extract).
std::string OpenError(const fs::path& path, const TrustOptions& trust) {
  OpenOptions lookahead;
  lookahead.lookahead = true;
  std::string error = OpenErrorWith(path, trust, {});
  EXPECT_EQ(OpenErrorWith(path, trust, lookahead), error) << "with a lookahead";
  return error;
}

TrustOptions NoBuiltinKeys() {
  TrustOptions trust;
  trust.use_builtin_keys = false;
  return trust;
}

class SealedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write(dir_.path() / "src/init/systemd/etcd.service", "[Unit]\nDescription=etcd\n");
    Write(dir_.path() / "src/scripts/health.sh", "#!/bin/sh\necho ok\n", fs::perms(0700));
    Write(dir_.path() / "proxy", std::string(5000, 'p'), fs::perms(0755));
    // A stub that looks like an executable holding the magic as data, as the
    // real kha-install does.
    Write(dir_.path() / "stub",
          "\x7f"
          "ELF stub KHA-PAYL more stub bytes\n",
          fs::perms(0755));
  }

  PackOptions Options() const {
    PackOptions options;
    options.stub_path = (dir_.path() / "stub").string();
    options.version = "9.8.7";
    options.build_date = "2026-01-02";
    options.compression = "zstd";
    options.level = 3;
    options.inputs = {{(dir_.path() / "src/init").string(), "init"},
                      {(dir_.path() / "src/scripts").string(), "scripts"},
                      {(dir_.path() / "proxy").string(), "bin/kha-proxy"}};
    return options;
  }

  fs::path PackUnsigned() {
    fs::path out = dir_.path() / "kha-install";
    Pack(Options(), out.string());
    return out;
  }

  TempDir dir_;
};

TEST_F(SealedTest, OpensListsChecksReadsAndExtracts) {
  fs::path sealed = PackUnsigned();
  EXPECT_EQ(fs::status(sealed).permissions() & fs::perms::all, fs::perms(0755));
  Payload payload = Payload::Open(sealed.string(), NoBuiltinKeys());
  EXPECT_EQ(payload.FormatList(),
            "0755          0 bin/\n"
            "0755       5000 bin/kha-proxy\n"
            "0755          0 init/\n"
            "0755          0 init/systemd/\n"
            "0644         24 init/systemd/etcd.service\n"
            "0755          0 scripts/\n"
            "0755         18 scripts/health.sh\n");
  std::string info = payload.Info();
  EXPECT_NE(info.find("version:    9.8.7\nbuild date: 2026-01-02\npayload:    "), std::string::npos)
      << info;
  EXPECT_NE(info.find(" bytes (zstd), 7 entries\n"), std::string::npos) << info;
  EXPECT_NE(info.find("signer:     unsigned\n"), std::string::npos) << info;
  payload.Check();
  EXPECT_EQ(payload.ReadEntry("bin/kha-proxy"), std::string(5000, 'p'));

  fs::path target = dir_.path() / "out/nested";
  payload.Extract(target.string(), false);
  EXPECT_EQ(Listing(target), (std::vector<std::string>{"bin", "bin/kha-proxy", "init",
                                                       "init/systemd", "init/systemd/etcd.service",
                                                       "scripts", "scripts/health.sh"}));
  EXPECT_EQ(Read(target / "init/systemd/etcd.service"), "[Unit]\nDescription=etcd\n");
  EXPECT_EQ(fs::status(target / "scripts/health.sh").permissions() & fs::perms::all,
            fs::perms(0755));
  EXPECT_EQ(fs::status(target / "init/systemd/etcd.service").permissions() & fs::perms::all,
            fs::perms(0644));

  // A second extraction over the first replaces files in place.
  payload.Extract(target.string(), false);
  EXPECT_EQ(Read(target / "bin/kha-proxy"), std::string(5000, 'p'));
}

TEST_F(SealedTest, XzPayloadsWorkToo) {
  PackOptions options = Options();
  options.compression = "xz";
  options.level = 6;
  fs::path out = dir_.path() / "xz";
  Pack(options, out.string());
  SealedFile sealed = SealedFile::Open(out.string(), Kind::kInstaller, NoBuiltinKeys());
  EXPECT_EQ(sealed.compression(), "xz");
  sealed.Check();
}

TEST_F(SealedTest, ExtractsOneEntryToAFile) {
  SealedFile sealed = SealedFile::Open(PackUnsigned().string(), Kind::kInstaller, NoBuiltinKeys());
  fs::path destination = dir_.path() / "kha-proxy-copy";
  sealed.ExtractEntryToFile("bin/kha-proxy", destination.string(), 0750);
  EXPECT_EQ(Read(destination), std::string(5000, 'p'));
  EXPECT_EQ(fs::status(destination).permissions() & fs::perms::all, fs::perms(0750));
  try {
    sealed.ReadEntry("init");
    FAIL() << "read a folder";
  } catch (const PayloadError& error) {
    EXPECT_EQ(std::string(error.what()), sealed.path() + ": no file \"init\" in the payload");
  }
}

TEST_F(SealedTest, TruncatedFilesAreRefused) {
  fs::path sealed = PackUnsigned();
  std::string whole = Read(sealed);
  const std::string name = sealed.string();
  Write(sealed, whole.substr(0, whole.size() - 1));
  EXPECT_EQ(OpenError(sealed, NoBuiltinKeys()),
            name + ": the payload trailer is cut short: the file is truncated");
  Write(sealed, whole.substr(0, whole.size() - kTrailerSize - 10));
  EXPECT_EQ(OpenError(sealed, NoBuiltinKeys()),
            name +
                ": no payload found: the file is truncated or is not a kha-install executable "
                "with a payload");
  Write(sealed, whole.substr(0, 100));
  EXPECT_EQ(OpenError(sealed, NoBuiltinKeys()),
            name +
                ": no payload found: the file is truncated or is not a kha-install executable "
                "with a payload");
  // Bytes cut from the middle: the trailer is intact but the sizes disagree.
  Write(sealed, whole.substr(0, 10) + whole.substr(20));
  EXPECT_EQ(OpenError(sealed, NoBuiltinKeys()),
            name + ": the payload trailer does not match the file's size (" +
                std::to_string(whole.size() - 10) +
                " bytes): the file is truncated or was changed");
}

TEST_F(SealedTest, ExtraBytesAreRefused) {
  fs::path sealed = PackUnsigned();
  std::string whole = Read(sealed);
  Write(sealed, whole + "appended");
  EXPECT_EQ(OpenError(sealed, NoBuiltinKeys()),
            sealed.string() +
                ": 8 unexpected bytes after the payload trailer: the file was changed after it "
                "was built");
}

TEST_F(SealedTest, EveryFlippedByteIsRefused) {
  fs::path sealed = PackUnsigned();
  std::string whole = Read(sealed);
  const std::string name = sealed.string();
  SealedFile good = SealedFile::Open(name, Kind::kInstaller, NoBuiltinKeys());
  const uint64_t payload_start = good.trailer().payload_offset;
  const uint64_t trailer_start = whole.size() - kTrailerSize;
  for (size_t at = 0; at < whole.size(); at += (at < 64 || at + 300 > whole.size()) ? 1 : 37) {
    std::string flipped = whole;
    flipped[at] ^= 0x01;
    Write(sealed, flipped);
    std::string error = OpenError(sealed, NoBuiltinKeys());
    if (at < payload_start) {
      EXPECT_EQ(error, name +
                           ": checksum mismatch in the executable before the payload: the "
                           "file is corrupted")
          << "byte " << at;
    } else if (at < trailer_start) {
      EXPECT_EQ(error.rfind(name + ": payload checksum mismatch (expected ", 0), 0u)
          << "byte " << at << ": " << error;
    } else if (at < trailer_start + 8) {
      EXPECT_EQ(error, name +
                           ": no payload found: the file is truncated or is not a "
                           "kha-install executable with a payload")
          << "byte " << at;
    } else {
      EXPECT_EQ(error, name + ": the payload trailer is corrupted") << "byte " << at;
    }
  }
}

TEST_F(SealedTest, ACorruptExecutableIsNamedBeforeACorruptPayload) {
  // The executable is hashed after the payload; the report keeps file order.
  fs::path sealed = PackUnsigned();
  std::string whole = Read(sealed);
  const uint64_t payload_start =
      SealedFile::Open(sealed.string(), Kind::kInstaller, NoBuiltinKeys()).trailer().payload_offset;
  whole[1] ^= 0x01;
  whole[payload_start + 1] ^= 0x01;
  Write(sealed, whole);
  EXPECT_EQ(OpenError(sealed, NoBuiltinKeys()),
            sealed.string() +
                ": checksum mismatch in the executable before the payload: the file is "
                "corrupted");
  // Also when the payload is fine but its signature is not trusted.
  whole[payload_start + 1] ^= 0x01;
  Write(sealed, whole);
  TrustOptions strict = NoBuiltinKeys();
  strict.require_signature = true;
  EXPECT_EQ(OpenError(sealed, strict),
            sealed.string() +
                ": checksum mismatch in the executable before the payload: the file is corrupted");
}

TEST_F(SealedTest, SignaturesAreVerifiedWheneverPresent) {
  PrivateKey signer = PrivateKey::Generate();
  PrivateKey stranger = PrivateKey::Generate();
  PackOptions options = Options();
  options.key = &signer;
  fs::path sealed = dir_.path() / "signed";
  Pack(options, sealed.string());
  const std::string name = sealed.string();

  TrustOptions trusted = NoBuiltinKeys();
  trusted.trusted_key_pems = {signer.Public().ToPem()};
  trusted.require_signature = true;
  Payload payload = Payload::Open(name, trusted);
  EXPECT_NE(payload.Info().find("signer:     key " + signer.Public().IdHex() + "\n"),
            std::string::npos);

  // Signed, but by a key nobody trusts: refused even without --require-signature.
  TrustOptions wrong = NoBuiltinKeys();
  wrong.trusted_key_pems = {stranger.Public().ToPem()};
  EXPECT_EQ(OpenError(sealed, wrong),
            name + ": the payload is signed by key " + signer.Public().IdHex() +
                ", which is not trusted (give its public key with --trusted-key)");

  // A trusted key file given on the command line.
  Write(dir_.path() / "signer.pub", signer.Public().ToPem());
  TrustOptions from_file = NoBuiltinKeys();
  from_file.trusted_key_files = {(dir_.path() / "signer.pub").string()};
  EXPECT_EQ(OpenError(sealed, from_file), "opened");

  // A forged trailer: the right key id and digests, a signature by another key.
  std::string whole = Read(sealed);
  SealedFile good = SealedFile::Open(name, Kind::kInstaller, trusted);
  Trailer forged = good.trailer();
  forged.signature = stranger.Sign(SignedPart(Kind::kInstaller, forged));
  Write(sealed,
        whole.substr(0, whole.size() - kTrailerSize) + EncodeTrailer(Kind::kInstaller, forged));
  EXPECT_EQ(OpenError(sealed, trusted), name + ": the payload signature by key " +
                                            signer.Public().IdHex() +
                                            " does not verify: the file was tampered with");
}

TEST_F(SealedTest, UnsignedIsRefusedWhenASignatureIsRequired) {
  fs::path sealed = PackUnsigned();
  TrustOptions trust = NoBuiltinKeys();
  trust.require_signature = true;
  EXPECT_EQ(OpenError(sealed, trust),
            sealed.string() + ": the payload is unsigned and a signature is required");
}

TEST_F(SealedTest, ABundleIsNotAnInstaller) {
  PackOptions options = Options();
  options.kind = Kind::kBundle;
  options.stub_path.clear();
  fs::path bundle = dir_.path() / "bundle";
  Pack(options, bundle.string());
  EXPECT_EQ(OpenError(bundle, NoBuiltinKeys()),
            bundle.string() +
                ": no payload found: the file is truncated or is not a kha-install "
                "executable with a payload");
  EXPECT_EQ(SealedFile::Open(bundle.string(), Kind::kBundle, NoBuiltinKeys()).manifest().version,
            "9.8.7");
}

TEST_F(SealedTest, SymlinksWhereEntriesGoAreReplacedNotFollowed) {
  fs::path sealed = PackUnsigned();
  Payload payload = Payload::Open(sealed.string(), NoBuiltinKeys());
  fs::path outside = dir_.path() / "outside";
  fs::path target = dir_.path() / "target";
  fs::create_directories(outside);
  Write(outside / "victim", "untouched");
  fs::create_directories(target / "bin");
  fs::create_directory_symlink(outside, target / "init");
  fs::create_symlink(outside / "victim", target / "bin/kha-proxy");
  payload.Extract(target.string(), false);
  EXPECT_FALSE(fs::is_symlink(target / "init"));
  EXPECT_FALSE(fs::is_symlink(target / "bin/kha-proxy"));
  EXPECT_EQ(Read(target / "bin/kha-proxy"), std::string(5000, 'p'));
  EXPECT_EQ(Listing(outside), std::vector<std::string>{"victim"});
  EXPECT_EQ(Read(outside / "victim"), "untouched");
}

// Incompressible bytes, so that zstd hands out many blocks and the reading
// thread gets ahead of the writer by more than the pipe holds.
std::string Noise(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  for (char& byte : out) {
    seed = seed * 1664525u + 1013904223u;
    byte = static_cast<char>(seed >> 24);
  }
  return out;
}

TEST_F(SealedTest, PayloadsLargerThanThePipeExtractWhole) {
  PackOptions options = Options();
  for (int i = 0; i < 3; ++i)
    Write(dir_.path() / "big" / ("part" + std::to_string(i)), Noise(3 << 20, i));
  for (int i = 0; i < 50; ++i)
    Write(dir_.path() / "big/small" / std::to_string(i), std::to_string(i));
  options.inputs.push_back({(dir_.path() / "big").string(), "big"});
  fs::path out = dir_.path() / "large";
  Pack(options, out.string());
  Payload payload = Payload::Open(out.string(), NoBuiltinKeys());
  fs::path target = dir_.path() / "target";
  payload.Extract(target.string(), false);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(Read(target / "big" / ("part" + std::to_string(i))) == Noise(3 << 20, i)) << i;
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(Read(target / "big/small" / std::to_string(i)), std::to_string(i));
  EXPECT_EQ(Read(target / "bin/kha-proxy"), std::string(5000, 'p'));
}

// More than the lookahead holds, so that its thread is left waiting for room.
class LargeTest : public SealedTest {
 protected:
  fs::path PackLarge() {
    PackOptions options = Options();
    for (int i = 0; i < 3; ++i)
      Write(dir_.path() / "big" / ("part" + std::to_string(i)), Noise(3 << 20, i));
    options.inputs.push_back({(dir_.path() / "big").string(), "big"});
    fs::path out = dir_.path() / "large";
    Pack(options, out.string());
    return out;
  }
};

TEST_F(LargeTest, AWriteFailureStopsTheReaderWhileItIsAhead) {
  Payload payload = Payload::Open(PackLarge().string(), NoBuiltinKeys());
  // A folder that is not empty where big/part1 goes cannot be replaced.
  fs::path target = dir_.path() / "target";
  Write(target / "big/part1/keep", "kept");
  try {
    payload.Extract(target.string(), false);
    FAIL() << "extracted over a folder";
  } catch (const PayloadError& error) {
    EXPECT_EQ(error.exit_code(), 1);
    EXPECT_EQ(std::string(error.what()).rfind((target / "big/part1").string() + ": ", 0), 0u)
        << error.what();
  }
  EXPECT_TRUE(Read(target / "big/part0") == Noise(3 << 20, 0));
  EXPECT_EQ(Read(target / "big/part1/keep"), "kept");
  EXPECT_FALSE(fs::exists(target / "big/part2"));
}

std::array<uint8_t, 32> Sha256Of(std::string_view bytes) {
  digest::Sha256 hash;
  hash.Update(bytes);
  return hash.Finish();
}

// Waits up to 10 s for `done`; false if it never came true.
template <typename Predicate>
bool WaitFor(Predicate done) {
  for (int i = 0; i < 2000 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return done();
}

TEST_F(LargeTest, ThePayloadIsDecompressedWhileTheExecutableIsHashed) {
  fs::path sealed = PackLarge();
  OpenOptions options;
  options.lookahead = true;
  size_t seen = 0;
  options.prefix_digest = [&](std::string_view prefix, EntryPipe* lookahead) {
    EXPECT_NE(lookahead, nullptr);
    // Fails (after 10 s) unless decompression runs before the verdict.
    if (lookahead != nullptr) {
      WaitFor([&] { return lookahead->QueuedBytes() >= kLookaheadBytes - (256 << 10); });
      seen = lookahead->QueuedBytes();
    }
    return Sha256Of(prefix);
  };
  SealedFile file = SealedFile::Open(sealed.string(), Kind::kInstaller, NoBuiltinKeys(), options);
  EXPECT_GE(seen, kLookaheadBytes - (256 << 10));
  EXPECT_LE(seen, kLookaheadBytes + (128 << 10)) << "the lookahead is not bounded";
  fs::path target = dir_.path() / "target";
  file.Extract(target.string(), false);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(Read(target / "big" / ("part" + std::to_string(i))) == Noise(3 << 20, i)) << i;
  EXPECT_EQ(Read(target / "bin/kha-proxy"), std::string(5000, 'p'));
}

TEST_F(LargeTest, NothingIsWrittenUntilTheExecutableMatchedItsDigest) {
  // Open and Extract as kha-install --extract calls them, on another thread;
  // the executable's digest is held back until this thread has looked.
  fs::path sealed = PackLarge();
  fs::path target = dir_.path() / "target";
  for (bool matches : {false, true}) {
    std::promise<void> hashing;
    std::promise<bool> verdict;
    std::shared_future<bool> answer = verdict.get_future().share();
    OpenOptions options;
    options.lookahead = true;
    options.prefix_digest = [&](std::string_view prefix, EntryPipe*) {
      hashing.set_value();
      std::array<uint8_t, 32> digest = Sha256Of(prefix);
      if (!answer.get()) digest[0] ^= 0x01;
      return digest;
    };
    std::future<std::string> extraction = std::async(std::launch::async, [&]() -> std::string {
      try {
        SealedFile payload =
            SealedFile::Open(sealed.string(), Kind::kInstaller, NoBuiltinKeys(), options);
        payload.Extract(target.string(), false);
      } catch (const PayloadError& error) {
        return std::to_string(error.exit_code()) + " " + error.what();
      }
      return "extracted";
    });
    // Bounded, so that an Open that never asks for the digest fails, not hangs.
    EXPECT_EQ(hashing.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready)
        << "the executable was never hashed";
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_FALSE(fs::exists(target)) << "written before the verdict";
    verdict.set_value(matches);
    std::string outcome = extraction.get();
    if (matches) {
      EXPECT_EQ(outcome, "extracted");
      EXPECT_TRUE(Read(target / "big/part2") == Noise(3 << 20, 2));
    } else {
      EXPECT_EQ(outcome, "2 " + sealed.string() +
                             ": checksum mismatch in the executable before the payload: the "
                             "file is corrupted");
      EXPECT_FALSE(fs::exists(target)) << "written after a mismatch";
    }
  }
}

TEST_F(LargeTest, AFlippedExecutableByteStopsAFullLookaheadAndWritesNothing) {
  fs::path sealed = PackLarge();
  std::string whole = Read(sealed);
  whole[3] ^= 0x01;
  Write(sealed, whole, fs::perms(0755));
  OpenOptions options;
  options.lookahead = true;
  std::atomic<bool> was_full = false;
  options.prefix_digest = [&](std::string_view prefix, EntryPipe* lookahead) {
    // Its thread is now waiting for room: a mismatch must release and join it.
    was_full = lookahead != nullptr &&
               WaitFor([&] { return lookahead->QueuedBytes() >= kLookaheadBytes - (256 << 10); });
    return Sha256Of(prefix);
  };
  fs::path target = dir_.path() / "target";
  try {
    SealedFile payload =
        SealedFile::Open(sealed.string(), Kind::kInstaller, NoBuiltinKeys(), options);
    payload.Extract(target.string(), false);
    FAIL() << "extracted from a corrupted executable";
  } catch (const PayloadError& error) {
    EXPECT_EQ(error.exit_code(), 2);
    EXPECT_EQ(std::string(error.what()),
              sealed.string() +
                  ": checksum mismatch in the executable before the payload: the file is "
                  "corrupted");
  }
  EXPECT_TRUE(was_full);
  EXPECT_FALSE(fs::exists(target));
  // The real hash, through Payload::Open as kha-install uses it.
  EXPECT_EQ(OpenErrorWith(sealed, NoBuiltinKeys(), options), OpenError(sealed, NoBuiltinKeys()));
  try {
    Payload::Open(sealed.string(), NoBuiltinKeys(), kEveryEntry).Extract(target.string(), false);
    FAIL() << "extracted from a corrupted executable";
  } catch (const PayloadError& error) {
    EXPECT_EQ(error.exit_code(), 2);
  }
  EXPECT_FALSE(fs::exists(target));
}

TEST_F(LargeTest, ReadingAnEntryStopsTheLookaheadAndCheckUsesIt) {
  fs::path sealed = PackLarge();
  Payload payload = Payload::Open(sealed.string(), NoBuiltinKeys(), kEveryEntry);
  EXPECT_EQ(payload.ReadEntry("bin/kha-proxy"), std::string(5000, 'p'));
  payload.Check();  // walks the archive itself now
  Payload checked = Payload::Open(sealed.string(), NoBuiltinKeys(), kEveryEntry);
  checked.Check();  // from the lookahead
  checked.Check();  // and again without it
}

// Archives crafted entry by entry, as an attacker would, then sealed properly:
// the trailer is valid, so only the extraction checks stand in the way.
struct Crafted {
  Crafted(std::string path_, mode_t type_ = AE_IFREG, std::string contents_ = "",
          std::string link_ = "", unsigned mode_ = 0644)
      : path(std::move(path_)),
        type(type_),
        contents(std::move(contents_)),
        link(std::move(link_)),
        mode(mode_) {}
  std::string path;
  mode_t type;
  std::string contents;
  std::string link;  // symlink target or hard link source
  unsigned mode;
};

la_ssize_t AppendTo(archive*, void* out, const void* buffer, size_t length) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

std::string CraftTar(const std::vector<Crafted>& members) {
  std::string out;
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  archive_write_set_bytes_in_last_block(writer, 1);
  archive_write_open2(writer, &out, nullptr, AppendTo, nullptr, nullptr);
  for (const Crafted& member : members) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, member.path.c_str());
    archive_entry_set_filetype(entry, member.type);
    archive_entry_set_perm(entry, member.mode);
    if (member.type == AE_IFLNK) archive_entry_set_symlink(entry, member.link.c_str());
    if (member.type == AE_IFREG && !member.link.empty())
      archive_entry_set_hardlink(entry, member.link.c_str());
    else
      archive_entry_set_size(entry, static_cast<la_int64_t>(member.contents.size()));
    archive_write_header(writer, entry);
    archive_write_data(writer, member.contents.data(), member.contents.size());
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
  return out;
}

std::string ManifestFor(const std::vector<Crafted>& listed) {
  std::string text = "kha-manifest 1\nversion 1\nbuild-date today\n";
  for (const Crafted& member : listed) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", member.mode);
    text += std::string("file ") + mode + " " + std::to_string(member.contents.size()) + " " +
            digest::Sha256Hex(member.contents) + " " + member.path + "\n";
  }
  return text;
}

class CraftedTest : public SealedTest {
 protected:
  // Seals `members` after a manifest listing `listed`, extracts into target/,
  // and returns the error; nothing may appear in target/ or outside it.
  std::string ExtractError(const std::vector<Crafted>& listed,
                           const std::vector<Crafted>& members) {
    std::vector<Crafted> all = {{std::string(kManifestName), AE_IFREG, ManifestFor(listed)}};
    all.insert(all.end(), members.begin(), members.end());
    fs::path sealed = dir_.path() / "crafted";
    Write(sealed, Seal(Kind::kInstaller, "stub", CraftTar(all), nullptr), fs::perms(0755));
    Payload payload = Payload::Open(sealed.string(), NoBuiltinKeys(), kEveryEntry);
    fs::path target = dir_.path() / "target";
    std::string error = "extracted";
    try {
      payload.Extract(target.string(), false);
    } catch (const PayloadError& refused) {
      EXPECT_EQ(refused.exit_code(), 2);
      error = refused.what();
    }
    EXPECT_TRUE(fs::is_empty(target)) << "something was written";
    EXPECT_FALSE(fs::exists(dir_.path() / "escaped"));
    // --check refuses it the same way, from the lookahead.
    try {
      Payload::Open(sealed.string(), NoBuiltinKeys(), kEveryEntry).Check();
      ADD_FAILURE() << "checked";
    } catch (const PayloadError& refused) {
      EXPECT_EQ(refused.what(), error);
    }
    return error.substr(error.find(": ") + 2);
  }
};

TEST_F(CraftedTest, AnArchiveThatDoesNotStartWithItsManifestIsRefusedAtOpen) {
  fs::path sealed = dir_.path() / "crafted";
  Write(sealed, Seal(Kind::kInstaller, "stub", CraftTar({{"a", AE_IFREG, "x"}}), nullptr),
        fs::perms(0755));
  EXPECT_EQ(OpenError(sealed, NoBuiltinKeys()),
            sealed.string() + ": the archive does not start with its manifest");
}

TEST_F(CraftedTest, ADamagedArchiveIsRefusedAtOpen) {
  // Sealed properly, so only the archive reader stands in the way.
  fs::path sealed = dir_.path() / "crafted";
  Write(sealed, Seal(Kind::kInstaller, "stub", std::string(4096, 'z'), nullptr), fs::perms(0755));
  EXPECT_EQ(OpenError(sealed, NoBuiltinKeys()).rfind(sealed.string() + ": archive: ", 0), 0u);
}

TEST_F(CraftedTest, ParentPathsAreRefused) {
  EXPECT_EQ(ExtractError({}, {{"../escaped", AE_IFREG, "x"}}),
            "entry \"../escaped\" is not a safe relative path (absolute, empty or with ..): "
            "refused");
  EXPECT_EQ(ExtractError({}, {{"init/../../escaped", AE_IFREG, "x"}}),
            "entry \"init/../../escaped\" is not a safe relative path (absolute, empty or with "
            "..): refused");
}

TEST_F(CraftedTest, AbsolutePathsAreRefused) {
  std::string absolute = (dir_.path() / "escaped").string();
  EXPECT_EQ(ExtractError({}, {{absolute, AE_IFREG, "x"}}),
            "entry \"" + absolute +
                "\" is not a safe relative path (absolute, empty or with ..): refused");
}

TEST_F(CraftedTest, LinksAreRefused) {
  EXPECT_EQ(ExtractError({}, {{"init", AE_IFLNK, "", "../escaped"}}),
            "entry \"init\" is a symbolic link: refused");
  EXPECT_EQ(ExtractError({}, {{"passwd", AE_IFREG, "", "/etc/passwd"}}),
            "entry \"passwd\" is a hard link: refused");
  EXPECT_EQ(ExtractError({}, {{"fifo", AE_IFIFO, ""}}),
            "entry \"fifo\" is a special file: refused");
}

TEST_F(CraftedTest, UnlistedAndAlteredEntriesAreRefused) {
  EXPECT_EQ(ExtractError({}, {{"extra", AE_IFREG, "x"}}),
            "entry \"extra\" is not in the manifest: refused");
  EXPECT_EQ(ExtractError({{"a", AE_IFREG, "same size"}}, {{"a", AE_IFREG, "SAME SIZE"}}),
            "entry \"a\" does not match its SHA-256 in the manifest: refused");
  EXPECT_EQ(ExtractError({{"a", AE_IFREG, "x", "", 0644}}, {{"a", AE_IFREG, "x", "", 04755}}),
            "entry \"a\" does not match the manifest (type, mode or size): refused");
  EXPECT_EQ(ExtractError({{"a", AE_IFREG, "x"}}, {}),
            "entry \"a\" is listed in the manifest but missing from the archive");
}

TEST_F(CraftedTest, ARefusedEntryAfterGoodOnesIsRemovedAndStopsTheExtraction) {
  std::vector<Crafted> listed = {{"a", AE_IFREG, Noise(1 << 20, 1)},
                                 {"b", AE_IFREG, "listed"},
                                 {"c", AE_IFREG, "never reached"}};
  std::vector<Crafted> all = {{std::string(kManifestName), AE_IFREG, ManifestFor(listed)},
                              {"a", AE_IFREG, Noise(1 << 20, 1)},
                              {"b", AE_IFREG, "LISTED"},
                              {"c", AE_IFREG, "never reached"}};
  fs::path sealed = dir_.path() / "crafted";
  Write(sealed, Seal(Kind::kInstaller, "stub", CraftTar(all), nullptr), fs::perms(0755));
  Payload payload = Payload::Open(sealed.string(), NoBuiltinKeys(), kEveryEntry);
  fs::path target = dir_.path() / "target";
  try {
    payload.Extract(target.string(), false);
    FAIL() << "extracted a file that fails its digest";
  } catch (const PayloadError& error) {
    EXPECT_EQ(error.exit_code(), 2);
    EXPECT_EQ(
        std::string(error.what()),
        sealed.string() + ": entry \"b\" does not match its SHA-256 in the manifest: refused");
  }
  EXPECT_EQ(Listing(target), std::vector<std::string>{"a"});
  EXPECT_TRUE(Read(target / "a") == Noise(1 << 20, 1));
}

TEST_F(CraftedTest, WritingThroughASymlinkedFolderIsRefused) {
  // The manifest lists a/file but not a/, so a/ is only ever a path component.
  std::vector<Crafted> listed = {{"a/file", AE_IFREG, "x"}};
  std::vector<Crafted> all = {{std::string(kManifestName), AE_IFREG, ManifestFor(listed)},
                              {"a/file", AE_IFREG, "x"}};
  fs::path sealed = dir_.path() / "crafted";
  Write(sealed, Seal(Kind::kInstaller, "stub", CraftTar(all), nullptr), fs::perms(0755));
  Payload payload = Payload::Open(sealed.string(), NoBuiltinKeys(), kEveryEntry);
  fs::path outside = dir_.path() / "outside";
  fs::path target = dir_.path() / "target";
  fs::create_directories(outside);
  fs::create_directories(target);
  fs::create_directory_symlink(outside, target / "a");
  try {
    payload.Extract(target.string(), false);
    FAIL() << "extracted through a symlink";
  } catch (const PayloadError& error) {
    EXPECT_EQ(error.exit_code(), 1);
    EXPECT_EQ(std::string(error.what()).rfind(target.string() + "/a/file: ", 0), 0u)
        << error.what();
  }
  EXPECT_TRUE(fs::is_empty(outside));
}

}  // namespace
}  // namespace kha::payload
