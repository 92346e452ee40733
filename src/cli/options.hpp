// Pieces shared by the commands: option groups, parsing, and the scan/split/write steps.
#pragma once

#include "cli/commands.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/report.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

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
};

struct ScanCli {
  std::string detector = "auto";
  std::optional<double> threshold;
  double min_shot = 0.5;
  std::string labels;
  int64_t max_pixels = 0;
  int analysis_size = 64;
  double adaptive_ratio = 3.0;
  int min_hash_change = 12;
};

struct SplitCli {
  std::string ratios = "train=0.8,val=0.2";
  std::string unit = "video";
  uint64_t seed = 0;
  double guard = 0.0;
  int group_threshold = 10;
};

po::options_description common_options(CommonCli& c);
po::options_description scan_options(ScanCli& s);
po::options_description split_options(SplitCli& s);
po::options_description output_options(std::string& out);
po::options_description report_options(ReportOptions& r);  // cmd_report.cpp

struct Parsed {
  po::variables_map vm;
  bool help = false;
};

Parsed parse(const Args& args, const po::options_description& visible, const po::options_description& hidden,
             const po::positional_options_description& positional);
void print_help(const std::string& usage, const po::options_description& visible, const std::string& examples);

// Validated library options from the command line (ConfigError on bad values), and their JSON record.
ScanOptions to_scan_options(const ScanCli& s, const CommonCli& c);
json scan_parameters(const ScanOptions& o);
SplitOptions to_split_options(const SplitCli& s);
json split_parameters(const SplitOptions& o);

std::vector<InputVideo> find_inputs(const std::vector<std::string>& paths, const ScanCli& s);
std::vector<VideoScan> scan_with_progress(const std::vector<InputVideo>& inputs, const ScanOptions& options,
                                          const CommonCli& c);
// Prints one line per failed video (unless quiet); returns how many failed.
size_t report_failures(const std::vector<VideoScan>& scans, const CommonCli& c);
void ensure_dir(const std::string& dir);
std::string path_in(const std::string& dir, const char* name);
// group + split + write, shared by `run` and `split`; returns the exit code.
int split_and_write(const std::vector<VideoScan>& scans, const SplitOptions& options, json parameters,
                    const std::string& out, const CommonCli& c);
// Videos from scan files, sorted by id; the same video twice is a configuration error.
void sort_and_check(std::vector<VideoScan>& scans);
// "I/N" -> (I, N) with 0 <= I < N.
std::pair<size_t, size_t> parse_shard(const std::string& text);

}  // namespace vidsplit::cli
