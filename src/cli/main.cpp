// The thin executable: dispatches to a command and turns exceptions into `vidsplit: error: ...` and exit codes.
#include "cli/commands.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/version.hpp"

#include <boost/program_options/errors.hpp>
#include <fmt/format.h>
#include <opencv2/core/utility.hpp>

#include <csignal>
#include <cstdio>
#include <map>

namespace {

// The first Ctrl-C or SIGTERM asks the decoders to stop at their next packet, so the run ends within a
// second with consistent outputs; a second one kills the process at once.
extern "C" void on_signal(int signal) {
  vidsplit::cli::stop_flag().store(true);
  std::signal(signal, SIG_DFL);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vidsplit::cli;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // vidsplit runs whole videos in parallel itself. OpenCV's own pool would only split 64x64 images into
  // slices whose hand-off costs more than the work, and its idle threads spin on the cores decoding needs.
  cv::setNumThreads(1);

  const Args all(argv + 1, argv + argc);
  if (all.empty()) {
    fmt::print(stderr, "{}", main_usage());
    return kExitUsage;
  }
  const std::string& command = all.front();
  if (command == "--help" || command == "-h" || command == "help") {
    fmt::print("{}", main_usage());
    return kExitOk;
  }
  if (command == "--version" || command == "-V") {
    fmt::print("vidsplit {}\n", vidsplit::kVersion);
    return kExitOk;
  }
  const std::map<std::string, int (*)(const Args&)> commands = {
      {"run", cmd_run},       {"scan", cmd_scan},     {"split", cmd_split},   {"shots", cmd_shots},
      {"merge", cmd_merge},   {"audit", cmd_audit},   {"assign", cmd_assign}, {"export", cmd_export},
      {"report", cmd_report}};
  const auto it = commands.find(command);
  if (it == commands.end()) {
    fmt::print(stderr, "vidsplit: error: unknown command '{}' (try vidsplit --help)\n", command);
    return kExitUsage;
  }
  try {
    return it->second(Args(all.begin() + 1, all.end()));
  } catch (const boost::program_options::error& e) {
    fmt::print(stderr, "vidsplit {}: error: {} (try vidsplit {} --help)\n", command, e.what(), command);
    return kExitUsage;
  } catch (const vidsplit::ConfigError& e) {
    fmt::print(stderr, "vidsplit {}: error: {}\n", command, e.what());
    return kExitUsage;
  } catch (const vidsplit::Interrupted&) {
    fmt::print(stderr, "vidsplit {}: interrupted; no outputs were replaced\n", command);  // details printed above
    return kExitInterrupted;
  } catch (const std::exception& e) {
    fmt::print(stderr, "vidsplit {}: error: {}\n", command, e.what());
    return kExitNothingUsable;
  }
}
