#include "support.hpp"
#include "vidsplit/error.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

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

TEST_CASE("vidsplit::link_or_copy_file_atomic") {
  test::TempDir dir;
  const std::string source = dir / "scan.jsonl";
  write_file_atomic(source, "header\nvideo\n");
  fs::create_directories(dir.path() / "out");
  const std::string target = dir / "out/scan.jsonl";
  write_file_atomic(target, "an older scan\n");

  CHECK(link_or_copy_file_atomic(source, target));  // one file system: a hard link replaces the old file
  CHECK(fs::equivalent(source, target));
  CHECK(read_file(target) == "header\nvideo\n");
  CHECK(link_or_copy_file_atomic(source, target));  // already one file: nothing to do, nothing left over
  CHECK(link_or_copy_file_atomic(source, source));
  CHECK(entries(dir.path() / "out") == 1);
  CHECK(entries(dir.path()) == 2);

  CHECK_THROWS_WITH_AS(link_or_copy_file_atomic(dir / "none.jsonl", target),
                       ("cannot read " + dir / "none.jsonl" + ": No such file or directory").c_str(), Error);
  CHECK(read_file(target) == "header\nvideo\n");
  CHECK_THROWS_AS(link_or_copy_file_atomic(source, dir / "no/such/folder/scan.jsonl"), Error);

  // Another file system: a copy (when this machine has one at hand: /dev/shm is usually tmpfs).
  std::error_code ec;
  const fs::path shm = "/dev/shm";
  struct stat a {}, b {};
  if (fs::is_directory(shm, ec) && ::access(shm.c_str(), W_OK) == 0 && ::stat(source.c_str(), &a) == 0 &&
      ::stat(shm.c_str(), &b) == 0 && a.st_dev != b.st_dev) {
    const fs::path copy = shm / fs::path(dir.path()).filename().concat("-scan.jsonl");
    CHECK_FALSE(link_or_copy_file_atomic(source, copy.string()));
    CHECK(read_file(copy.string()) == "header\nvideo\n");
    CHECK_FALSE(fs::equivalent(source, copy));
    fs::remove(copy);
  } else {
    MESSAGE("no second file system at /dev/shm: the copy path is not checked");
  }
}
