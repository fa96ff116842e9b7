//===- Status.h - Errors of the runtime library -----------------*- C++ -*-===//
//
// The runtime library reports failure as a value: no exceptions cross its
// boundary. A Status is OK or carries one message naming what is at fault.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_STATUS_H
#define CIM_RUNTIME_STATUS_H

#include <string>
#include <utility>

namespace cim::runtime {

class Status {
public:
  static Status ok() { return Status(); }
  static Status error(std::string message) {
    Status status;
    status.failed = true;
    status.text = std::move(message);
    return status;
  }

  bool isOk() const { return !failed; }
  explicit operator bool() const { return !failed; }
  const std::string &message() const { return text; }

private:
  bool failed = false;
  std::string text;
};

} // namespace cim::runtime

#endif // CIM_RUNTIME_STATUS_H
