// CRC32C throughput (util/crc32c.h), natively: the portable slicing-by-16
// loop (what wasm runs) and Extend (the SSE4.2 instruction when the CPU has
// it), over 8 KiB pages. CPU time of the process, so other load counts less.
//
//   build/release/bench/crc32c_bench [--seconds 1]
// Output: one line per implementation, MB/s and us per 8 KiB page.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include "util/crc32c.h"

namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <typename Fn>
void Run(const char* name, Fn fn, const std::vector<uint8_t>& page, double seconds) {
  uint32_t sink = 0;
  uint64_t pages = 0;
  const double start = CpuSeconds();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 256; ++i) sink ^= fn(sink, page.data(), page.size());
    pages += 256;
    elapsed = CpuSeconds() - start;
  }
  std::printf("%-10s %9.1f MB/s  %7.2f us per %zu-byte page  (%08x)\n", name,
              static_cast<double>(pages * page.size()) / elapsed / 1e6, elapsed / pages * 1e6,
              page.size(), sink);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
  }
  std::vector<uint8_t> page(8192);
  for (size_t i = 0; i < page.size(); ++i) page[i] = static_cast<uint8_t>(i * 131 + 7);
  std::printf("hardware CRC32C: %s\n", pd::crc32c::internal::HardwareAvailable() ? "yes" : "no");
  Run("portable", &pd::crc32c::internal::ExtendPortable, page, seconds);
  Run("Extend", &pd::crc32c::Extend, page, seconds);
  return 0;
}
