// PD_SOAK=1 runs the randomised suites at their long size (`npm run
// test:soak`: millions of operations, many seeds); without it they run at the
// size npm test can afford, the same code paths with fewer steps. A failure
// names its seed either way, and a seed of the long run reproduces alone.
#ifndef PD_TESTS_CPP_SUPPORT_SOAK_H_
#define PD_TESTS_CPP_SUPPORT_SOAK_H_

#include <cstdlib>
#include <cstring>

namespace pd {
namespace testing {

inline bool Soak() {
  const char* soak = std::getenv("PD_SOAK");
  return soak != nullptr && std::strcmp(soak, "1") == 0;
}

}  // namespace testing
}  // namespace pd

#endif  // PD_TESTS_CPP_SUPPORT_SOAK_H_
