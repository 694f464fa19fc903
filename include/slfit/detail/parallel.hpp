// Independent jobs on several threads, with results that cannot depend on how many.
#pragma once

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace slfit::detail {

inline unsigned thread_count(int requested, std::size_t jobs) {
  unsigned n =
      requested > 0 ? static_cast<unsigned>(requested) : std::thread::hardware_concurrency();
  if (n == 0) n = 1;
  return static_cast<unsigned>(std::min<std::size_t>(n, std::max<std::size_t>(jobs, 1)));
}

// Runs job(i) for i in [0, count) on `threads` threads; each i writes only its own slot.
template <class Job>
void parallel_for(std::size_t count, unsigned threads, Job&& job) {
  if (threads <= 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) job(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::jthread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) job(i);
    });
  }
}

}  // namespace slfit::detail
