// Two kinds of failure, kept apart on purpose:
//  - Error: one input (a video, a CSV row) is unusable. Record it and carry on with the rest.
//  - ConfigError: the command line or configuration is wrong. Nothing sensible can run.
// The library throws these and never prints or exits; only main() decides how to report.
#pragma once

#include <stdexcept>
#include <string>

namespace vidsplit {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown when a cooperative stop was requested (Ctrl-C); the caller keeps what is finished.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace vidsplit
