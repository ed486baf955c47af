// A bad argument to a kernel (wrong type, array too short). Thrown by the argument readers and turned
// into a JavaScript RangeError/TypeError at the binding boundary, so a caller's mistake never corrupts memory.
#pragma once
#include <stdexcept>
#include <string>

namespace bertkit {

struct KernelError : std::runtime_error {
  explicit KernelError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace bertkit
