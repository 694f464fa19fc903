// Runs a request off the Python thread, so that Ctrl-C is seen while it runs.
//
// Python handles a signal only on its main thread and only between bytecodes, so a long call into
// C++ would hold Ctrl-C back until it returned. The request runs on a thread of its own with the
// GIL released; the calling thread waits for it and, every few milliseconds, lets Python check
// for signals. On Ctrl-C the request's `stop` flag is raised (a bootstrap stops between
// resamples), the thread is waited for, and the KeyboardInterrupt is raised in Python.
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>

namespace slfit::python {

// A stop flag a request can poll from any thread.
using StopFlag = std::shared_ptr<std::atomic<bool>>;

inline std::function<bool()> stop_function(const StopFlag& flag) {
  return [flag] { return flag->load(std::memory_order_relaxed); };
}

// run(), on its own thread with the GIL released; KeyboardInterrupt (or whatever a signal handler
// raised) after `flag` was set on a signal. The run's own exceptions reach the caller.
template <class Run>
auto interruptible(const StopFlag& flag, Run&& run) -> decltype(run()) {
  using Result = decltype(run());
  std::future<Result> result = std::async(std::launch::async, std::forward<Run>(run));
  std::optional<pybind11::error_already_set> signal;
  {
    pybind11::gil_scoped_release release;
    while (result.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
      if (signal) continue;
      pybind11::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) {
        signal.emplace();  // takes the pending exception
        flag->store(true);
      }
    }
  }
  if (signal) {
    try {
      result.get();
    } catch (...) {  // Interrupted, or whatever else it met: the signal is what the user sees
    }
    throw std::move(*signal);
  }
  return result.get();
}

}  // namespace slfit::python
