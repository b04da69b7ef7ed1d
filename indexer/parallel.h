// Running independent work items on a few threads.

#ifndef NSEARCH_INDEXER_PARALLEL_H_
#define NSEARCH_INDEXER_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <sched.h>
#include <thread>
#include <vector>

namespace nsearch::indexer {

// The cores this process may run on, as `nproc` counts them: its CPU
// affinity (taskset, a container's cpuset, systemd's CPUAffinity), not
// every core of the machine; those when the affinity cannot be read (more
// than CPU_SETSIZE cores). At least 1.
inline unsigned UsableCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

// Calls f(i, thread) for i = 0 to n - 1 on up to `jobs` threads (the
// calling thread is thread 0; `thread` < jobs), each i once, in increasing
// order within a thread; rethrows the first exception one of them threw,
// once all have ended.
inline void ForEachInParallel(
    size_t n, unsigned jobs,
    const std::function<void(size_t i, unsigned thread)>& f) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::exception_ptr failed;
  auto work = [&](unsigned thread) {
    for (size_t i = next++; i < n; i = next++) {
      try {
        f(i, thread);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!failed) failed = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < std::min<size_t>(jobs, n); ++j)
    threads.emplace_back(work, j);
  work(0);
  for (auto& t : threads) t.join();
  if (failed) std::rethrow_exception(failed);
}

}  // namespace nsearch::indexer

#endif  // NSEARCH_INDEXER_PARALLEL_H_
