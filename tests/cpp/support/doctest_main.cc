// The one main() of every doctest binary. PD_CHAOS_PAGING=1 runs every
// engine the tests create in chaos paging (core/engine.h): every evictable
// page is evicted after every call and faults are resolved from the engine's
// own copies, so each suite goes through fault-and-retry with the same
// results.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "engine.h"

int main(int argc, char** argv) {
  const char* chaos = std::getenv("PD_CHAOS_PAGING");
  if (chaos != nullptr && std::strcmp(chaos, "1") == 0) {
    pd::EngineOptions options;
    options.chaos_paging = true;
    options.native_backing = true;
    pd::Engine::SetDefaultOptions(options);
  }
  doctest::Context context(argc, argv);
  const int status = context.run();
  if (pd::Engine::DefaultOptions().chaos_paging) {
    std::printf("[chaos paging] page faults resolved by fault-and-retry: %llu\n",
                static_cast<unsigned long long>(pd::Engine::NativeFaultsResolved()));
  }
  return status;
}
