#include "support.hpp"
#include "vidsplit/error.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace vidsplit;
namespace fs = std::filesystem;

namespace {
// Files in `dir`: the file written, plus any temporary file left beside it.
std::ptrdiff_t entries(const fs::path& dir) { return std::distance(fs::directory_iterator(dir), fs::directory_iterator()); }
}  // namespace

TEST_CASE("vidsplit::write_file_atomic") {
  test::TempDir dir;
  const std::string path = dir / "out.txt";
  auto files = [&] { return entries(dir.path()); };

  SUBCASE("replaces the file whole and leaves no temporary file") {
    write_file_atomic(path, "first");
    write_file_atomic(path, "second");
    CHECK(read_file(path) == "second");
    CHECK(files() == 1);
    CHECK_THROWS_AS(write_file_atomic(dir / "missing-dir/out.txt", "x"), Error);
  }

  SUBCASE("writers of one path in parallel never expose or lose a partial file") {
    // Two workers store the same cache entry when a dataset holds two copies of one file: each writer needs
    // its own temporary file, or one renames the other's half-written file into place.
    const size_t size = 1 << 18;
    const int writers = 4, rounds = 40;
    std::atomic<int> failures{0}, torn{0};
    std::atomic<bool> done{false};
    write_file_atomic(path, std::string(size, 'a'));
    std::thread reader([&] {
      while (!done) {
        const std::string content = read_file(path);
        if (content.size() != size || content.find_first_not_of(content[0]) != std::string::npos) ++torn;
      }
    });
    std::vector<std::thread> pool;
    for (int w = 0; w < writers; ++w)
      pool.emplace_back([&, w] {
        const std::string content(size, static_cast<char>('b' + w));
        for (int r = 0; r < rounds; ++r) {
          try {
            write_file_atomic(path, content);
          } catch (const Error&) {
            ++failures;
          }
        }
      });
    for (auto& t : pool) t.join();
    done = true;
    reader.join();
    CHECK(failures.load() == 0);
    CHECK(torn.load() == 0);
    CHECK(files() == 1);
  }
}

TEST_CASE("vidsplit::AtomicFileWriter") {
  test::TempDir dir;
  const std::string path = dir / "scan.jsonl";
  auto files = [&] { return entries(dir.path()); };

  SUBCASE("pieces appear under the name only at commit, whole") {
    write_file_atomic(path, "old");
    AtomicFileWriter writer(path);
    // More than the write buffer holds, so some of it has reached the temporary file before the commit.
    const std::string line(1000, 'x');
    for (int i = 0; i < 3000; ++i) writer.append(line + "\n");
    CHECK(read_file(path) == "old");
    CHECK(files() == 2);  // the old file and the temporary one
    writer.commit();
    const std::string content = read_file(path);
    CHECK(content.size() == 3000 * 1001);
    CHECK(content.substr(0, 1001) == line + "\n");
    CHECK(files() == 1);
  }

  SUBCASE("a writer given up before commit (an interrupted scan) leaves the old file and no temporary one") {
    write_file_atomic(path, "old");
    {
      AtomicFileWriter writer(path);
      writer.append(std::string(3 << 20, 'y'));
    }
    CHECK(read_file(path) == "old");
    CHECK(files() == 1);
  }

  SUBCASE("a folder that does not exist is an error naming the file") {
    CHECK_THROWS_WITH_AS(AtomicFileWriter(dir / "missing-dir/scan.jsonl"),
                         doctest::Contains("missing-dir/scan.jsonl.tmp"), Error);
  }
}
