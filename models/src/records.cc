#include <chartscan/models/records.h>

namespace chartscan {

std::string_view BatchKindName(BatchKind k) {
  switch (k) {
    case BatchKind::kIngest:
      return "ingest";
    case BatchKind::kScan:
      return "scan";
    case BatchKind::kWatch:
      return "watch";
  }
  return "ingest";
}

std::string_view BatchStateName(BatchState s) {
  switch (s) {
    case BatchState::kOpen:
      return "open";
    case BatchState::kStopped:
      return "stopped";
    case BatchState::kDone:
      return "done";
  }
  return "open";
}

std::string_view PageStageName(PageStage s) {
  switch (s) {
    case PageStage::kArrived:
      return "arrived";
    case PageStage::kCleaned:
      return "cleaned";
    case PageStage::kRecognized:
      return "recognized";
    case PageStage::kExtracted:
      return "extracted";
    case PageStage::kIndexed:
      return "indexed";
    case PageStage::kFailed:
      return "failed";
  }
  return "arrived";
}

std::string_view ReviewKindName(ReviewKind k) {
  switch (k) {
    case ReviewKind::kField:
      return "field";
    case ReviewKind::kType:
      return "type";
    case ReviewKind::kMisfile:
      return "misfile";
  }
  return "field";
}

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kTechnician:
      return "technician";
    case Role::kClerk:
      return "clerk";
    case Role::kAdmin:
      return "admin";
  }
  return "technician";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kTechnician, Role::kClerk, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace chartscan
