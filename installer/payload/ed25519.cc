#include "installer/payload/ed25519.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "common/file_util.h"
#include "installer/digest/sha256.h"

namespace kha::payload {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

Bio MemoryBio(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::runtime_error("out of memory reading a key");
  return bio;
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

Pkey RawPrivate(const std::array<uint8_t, 32>& seed) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!key) throw std::runtime_error("cannot load an Ed25519 private key");
  return key;
}

}  // namespace

std::string KeyIdHex(const KeyId& id) { return digest::ToHex(id.data(), id.size()); }

PublicKey::PublicKey(const std::array<uint8_t, 32>& raw) : raw_(raw) {
  digest::Sha256 hash;
  hash.Update(raw.data(), raw.size());
  std::array<uint8_t, 32> digest = hash.Finish();
  std::copy_n(digest.begin(), id_.size(), id_.begin());
}

PublicKey PublicKey::FromPem(std::string_view pem, const std::string& origin) {
  Bio bio = MemoryBio(pem);
  Pkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
    throw std::runtime_error(origin + ": not an Ed25519 public key in PEM form");
  std::array<uint8_t, 32> raw{};
  size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), raw.data(), &length) != 1 || length != raw.size())
    throw std::runtime_error(origin + ": cannot read the Ed25519 public key");
  return PublicKey(raw);
}

PublicKey PublicKey::FromPemFile(const std::string& path) { return FromPem(ReadFile(path), path); }

std::string PublicKey::IdHex() const { return KeyIdHex(id_); }

bool PublicKey::Verify(std::string_view message, const Signature& signature) const {
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw_.data(), raw_.size()));
  MdCtx context(EVP_MD_CTX_new());
  if (!key || !context ||
      EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1)
    throw std::runtime_error("cannot set up Ed25519 verification");
  return EVP_DigestVerify(context.get(), signature.data(), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

std::string PublicKey::ToPem() const {
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw_.data(), raw_.size()));
  Bio bio(BIO_new(BIO_s_mem()));
  if (!key || !bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1)
    throw std::runtime_error("cannot write an Ed25519 public key");
  return BioContents(bio.get());
}

PrivateKey PrivateKey::Generate() {
  EVP_PKEY* generated = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), EVP_PKEY_CTX_free);
  if (!context || EVP_PKEY_keygen_init(context.get()) != 1 ||
      EVP_PKEY_keygen(context.get(), &generated) != 1)
    throw std::runtime_error("cannot generate an Ed25519 key");
  Pkey key(generated);
  std::array<uint8_t, 32> seed{};
  size_t length = seed.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), seed.data(), &length) != 1 || length != seed.size())
    throw std::runtime_error("cannot read the generated Ed25519 key");
  return PrivateKey(seed);
}

PrivateKey PrivateKey::FromPemFile(const std::string& path) {
  std::string pem = ReadFile(path);
  Bio bio = MemoryBio(pem);
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
    throw std::runtime_error(path + ": not an Ed25519 private key in PEM form");
  std::array<uint8_t, 32> seed{};
  size_t length = seed.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), seed.data(), &length) != 1 || length != seed.size())
    throw std::runtime_error(path + ": cannot read the Ed25519 private key");
  return PrivateKey(seed);
}

PublicKey PrivateKey::Public() const {
  Pkey key = RawPrivate(seed_);
  std::array<uint8_t, 32> raw{};
  size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), raw.data(), &length) != 1 || length != raw.size())
    throw std::runtime_error("cannot derive the Ed25519 public key");
  return PublicKey(raw);
}

Signature PrivateKey::Sign(std::string_view message) const {
  Pkey key = RawPrivate(seed_);
  MdCtx context(EVP_MD_CTX_new());
  Signature signature{};
  size_t length = signature.size();
  if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), signature.data(), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      length != signature.size())
    throw std::runtime_error("cannot sign with Ed25519");
  return signature;
}

std::string PrivateKey::ToPem() const {
  Pkey key = RawPrivate(seed_);
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error("cannot write an Ed25519 private key");
  return BioContents(bio.get());
}

}  // namespace kha::payload
