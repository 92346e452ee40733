// One function per `vidsplit` command. Each parses its own options and returns the process exit code.
#pragma once

#include <atomic>
#include <string>
#include <vector>

namespace vidsplit::cli {

// Exit codes: the contract in DESIGN.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitNothingUsable = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSomeFailed = 3;
inline constexpr int kExitLeaks = 4;  // audit: more leaks than --max-leaks
inline constexpr int kExitInterrupted = 130;

using Args = std::vector<std::string>;

// Set by SIGINT/SIGTERM; decoders poll it and stop.
std::atomic<bool>& stop_flag();

int cmd_run(const Args& args);
int cmd_scan(const Args& args);
int cmd_split(const Args& args);
int cmd_shots(const Args& args);
int cmd_merge(const Args& args);
int cmd_audit(const Args& args);
int cmd_assign(const Args& args);
int cmd_export(const Args& args);
int cmd_report(const Args& args);

std::string main_usage();

}  // namespace vidsplit::cli
