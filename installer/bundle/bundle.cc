#include "installer/bundle/bundle.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "common/file_util.h"
#include "installer/payload/pack.h"

namespace kha::bundle {

Bundle Bundle::Open(const std::string& path, const payload::TrustOptions& trust) {
  payload::TrustOptions strict = trust;
  strict.require_signature = !trust.listing_only;
  return Bundle(payload::SealedFile::Open(path, payload::Kind::kBundle, strict));
}

std::vector<Artifact> Bundle::Artifacts() const {
  std::vector<Artifact> artifacts;
  for (const payload::ManifestEntry& entry : sealed_.manifest().entries)
    if (!entry.directory) artifacts.push_back({entry.path, entry.size, entry.sha256});
  std::sort(artifacts.begin(), artifacts.end(),
            [](const Artifact& a, const Artifact& b) { return a.name < b.name; });
  return artifacts;
}

bool Bundle::Has(const std::string& name) const {
  const payload::ManifestEntry* entry = sealed_.manifest().Find(name);
  return entry != nullptr && !entry->directory;
}

std::string Bundle::FormatBillOfMaterials() const {
  std::string out;
  for (const Artifact& artifact : Artifacts())
    out += artifact.sha256 + "  " + std::to_string(artifact.size) + "  " + artifact.name + "\n";
  return out;
}

std::vector<Artifact> Create(const CreateOptions& options) {
  if (options.key == nullptr) throw std::runtime_error("a bundle must be signed: give --key");
  if (!std::filesystem::is_directory(options.folder))
    throw std::runtime_error(options.folder + ": not a folder");
  payload::PackOptions pack;
  pack.kind = payload::Kind::kBundle;
  pack.version = options.version;
  pack.build_date = "-";
  pack.compression = options.compression;
  pack.level = options.level;
  pack.key = options.key;
  std::vector<std::string> names;
  for (const auto& child : std::filesystem::directory_iterator(options.folder))
    names.push_back(child.path().filename().string());
  std::sort(names.begin(), names.end());
  if (names.empty()) throw std::runtime_error(options.folder + ": no artifacts in it");
  for (const std::string& name : names) pack.inputs.push_back({options.folder + "/" + name, name});
  payload::Pack(pack, options.out);

  payload::TrustOptions trust;
  trust.use_builtin_keys = false;
  trust.trusted_key_pems = {options.key->Public().ToPem()};
  Bundle bundle = Bundle::Open(options.out, trust);
  bundle.sealed().Check();
  return bundle.Artifacts();
}

std::string GenerateKeyFiles(const std::string& key_file) {
  struct stat existing {};
  for (const std::string& path : {key_file, key_file + ".pub"}) {
    if (lstat(path.c_str(), &existing) == 0)
      throw std::runtime_error(path + ": already exists; refusing to replace a key");
  }
  payload::PrivateKey key = payload::PrivateKey::Generate();
  WriteFileAtomically(key_file, key.ToPem(), 0600);
  WriteFileAtomically(key_file + ".pub", key.Public().ToPem(), 0644);
  return key.Public().IdHex();
}

}  // namespace kha::bundle
