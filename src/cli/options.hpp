// Pieces shared by the commands: option groups, parsing, and the scan/split/write steps.
#pragma once

#include "cli/commands.hpp"
#include "vidsplit/cache.hpp"
#include "vidsplit/output_set.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/report.hpp"
#include "vidsplit/settings.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vidsplit::cli {

namespace po = boost::program_options;
using nlohmann::json;

inline constexpr unsigned kLineLength = 110;
inline constexpr unsigned kDescriptionLength = 48;

struct CommonCli {
  bool quiet = false;
  int threads = 0;
  double progress_every = 30.0;  // seconds between plain progress lines when stderr is not a terminal
};

// The option groups bind straight to the library's settings (vidsplit/settings.hpp), which validates them.
struct ScanCli : ScanSettings {
  std::string labels;
};
using SplitCli = SplitSettings;

// `scans`: the command decodes many videos, so it takes --progress-every too.
po::options_description common_options(CommonCli& c, bool scans = false);
po::options_description scan_options(ScanCli& s);
po::options_description split_options(SplitCli& s);
// -o OUT, and --wait (for another writer of OUT to finish instead of refusing).
po::options_description output_options(std::string& out, bool& wait);
po::options_description report_options(ReportOptions& r);  // cmd_report.cpp

struct CacheCli {
  std::string dir;  // empty: OUT/cache
  bool off = false;
};
po::options_description cache_options(CacheCli& c);
// The cache the options ask for (null with --no-cache), for scans written to `out`.
std::unique_ptr<ScanCache> open_cache(const CacheCli& c, const std::string& out, const ScanOptions& options);

struct Parsed {
  po::variables_map vm;
  bool help = false;
};

Parsed parse(const Args& args, const po::options_description& visible, const po::options_description& hidden,
             const po::positional_options_description& positional);
// The same, with the positional arguments going to `positional`: one (a string) or any number (a vector).
Parsed parse(const Args& args, const po::options_description& visible, std::string& positional);
Parsed parse(const Args& args, const po::options_description& visible, std::vector<std::string>& positional);
// ConfigError unless -o OUT was given.
void require_output(const std::string& out);
// Takes OUT for `vidsplit COMMAND args` (OutputLock: one writer per OUT; exit 2 when another holds it).
OutputLock lock_output(const std::string& out, const char* command, const Args& args, bool wait);
// ConfigError unless 0 <= threads <= kMaxThreads; every command's --threads goes through it.
void check_threads(int threads);
void print_help(const std::string& usage, const po::options_description& visible, const std::string& examples);

// vidsplit::to_scan_options with the threads of -j and the Ctrl-C stop flag. to_split_options, scan_parameters and
// split_parameters are the library's (vidsplit/settings.hpp).
ScanOptions to_scan_options(const ScanCli& s, const CommonCli& c);

// The videos under `paths`; prints a warning for each skipped output folder (unless quiet).
std::vector<InputVideo> find_inputs(const std::vector<std::string>& paths, const ScanCli& s, const CommonCli& c);
// Scans with a progress line; each result goes to `sink` as it comes (in input order), or all are returned.
void scan_with_progress(const std::vector<InputVideo>& inputs, const ScanOptions& options, const CommonCli& c,
                        const ScanSink& sink);
std::vector<VideoScan> scan_with_progress(const std::vector<InputVideo>& inputs, const ScanOptions& options,
                                          const CommonCli& c);
// Prints one line per failed video (unless quiet); returns how many failed.
size_t report_failures(const std::vector<VideoScan>& scans, const CommonCli& c);
// Videos used whole but found cut short (VideoScan::truncated): listed in errors.csv, exit code 3.
size_t count_truncated(const std::vector<VideoScan>& scans);
std::string path_in(const std::string& dir, const char* name);
// group + split + write into `set` (not committed), shared by `run` and `split`; returns the exit code.
// `out` names OUT in messages.
int split_and_write(const std::vector<VideoScan>& scans, const SplitOptions& options, json parameters,
                    OutputSet& set, const std::string& out, const CommonCli& c);
// OUT/report.html into `set` once split_and_write returned `code`: not with --no-report, nor when it wrote no
// split. Returns whether it wrote one.
bool write_report_after(int code, bool no_report, OutputSet& set, const std::string& out, const CommonCli& c);
// The report's progress lines on stderr (none with --quiet), and its warning of videos it could not find.
void report_progress(ReportOptions& options, const CommonCli& c);
void print_report_notes(const ReportNotes& notes, const std::string& out);
// Videos from scan files, sorted by id; the same video twice is a configuration error.
void sort_and_check(std::vector<VideoScan>& scans);
// "I/N" -> (I, N) with 0 <= I < N.
std::pair<size_t, size_t> parse_shard(const std::string& text);

}  // namespace vidsplit::cli
