// Small deterministic hashing helpers: content hashes, stable keys and seeded tie-breaks must not depend
// on std::hash, which differs between standard libraries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vidsplit {

// Finaliser of SplitMix64: a cheap bijective mix with full avalanche.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Streaming FNV-1a over bytes, finished with mix64. Fast enough next to decoding, and byte-order free.
class Hasher64 {
 public:
  void update(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) h_ = (h_ ^ p[i]) * 0x100000001B3ull;
    length_ += size;
  }
  void update(std::string_view s) { update(s.data(), s.size()); }
  uint64_t digest() const { return mix64(h_ ^ length_); }

 private:
  uint64_t h_ = 0xCBF29CE484222325ull;
  uint64_t length_ = 0;
};

inline uint64_t hash_string(std::string_view s, uint64_t seed = 0) {
  Hasher64 h;
  h.update(&seed, sizeof seed);
  h.update(s);
  return h.digest();
}

}  // namespace vidsplit
