// Evaluation of Chinchilla over a large table, timed the way bench/eval_numpy.py times NumPy:
// best of several repetitions, printed as JSON for bench/hoffmann_bench.py.
//
//   build-bench/bench/slfit_eval [ROWS] [REPEATS]
//   build-bench/bench/slfit_eval --probe
//
// Five timings: slfit::evaluate (domain checks, logs of the inputs, the formula) on one thread and
// on all cores, evaluate_into (the same into a reused result array) on all cores, the formula on
// inputs whose logs are already known (as inside a fit), and the floor: two logs and two exps per
// row written directly with Eigen on one thread, which any evaluation of this law must pay.
//
// --probe times what this machine itself gives two threads: the same fixed amount of small,
// cache-resident exp/log work (like a refit's) on one thread, then split over two. On a virtual
// machine the ratio can fall short of 2 when the host is busy; bench/hoffmann_bench.py runs the
// probe beside slfit's own runs, so their thread ratios can be read against it.
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <slfit/core/law.hpp>
#include <slfit/detail/random.hpp>
#include <slfit/laws/chinchilla.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

double probe_work(long blocks) {
  Eigen::ArrayXd x = Eigen::ArrayXd::LinSpaced(240, 0.1, 2.0), y(240);
  double sum = 0.0;
  for (long i = 0; i < blocks; ++i) {
    y = (x * (1.0 + 1e-9 * static_cast<double>(i))).exp().log();
    sum += y.sum();
  }
  return sum;
}

// Seconds for 100,000 blocks of work on `threads` threads (each its share); `sink` keeps the work.
double probe(unsigned threads, double& sink) {
  constexpr long kBlocks = 100'000;
  std::vector<double> sums(threads);
  const auto t0 = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> pool;
    for (unsigned i = 0; i < threads; ++i)
      pool.emplace_back([&, i] { sums[i] = probe_work(kBlocks / threads); });
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (double v : sums) sink += v;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--probe") {
    double sink = 0.0;
    const double one = probe(1, sink), two = probe(2, sink);
    std::printf(
        "{\"probe_one_thread_seconds\": %.6f, \"probe_two_threads_seconds\": %.6f, "
        "\"checksum\": %.6g}\n",
        one, two, sink);
    return 0;
  }
  const long rows = argc > 1 ? std::atol(argv[1]) : 10'000'000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  slfit::detail::Rng rng(1);
  slfit::Array n(rows), d(rows);
  for (long i = 0; i < rows; ++i) {  // log-uniform N in [1e7, 1e11], D in [1e9, 1e13]
    n(i) = std::exp(rng.uniform(std::log(1e7), std::log(1e11)));
    d(i) = std::exp(rng.uniform(std::log(1e9), std::log(1e13)));
  }
  slfit::Table t;
  t.add_column("N", n);
  t.add_column("D", d);
  const std::vector<double> p = {1.81686, 482.00572, 2085.43420, 0.34781, 0.36585};

  auto best_of = [&](auto&& job) {
    double best = 1e300;
    for (int r = 0; r < repeats; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      job();
      best = std::min(best,
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
  };
  double sink = 0.0;
  const double evaluate =
      best_of([&] { sink += slfit::evaluate<slfit::Chinchilla>(t, p, {}, 1)(rows / 2); });
  const double evaluate_all =
      best_of([&] { sink += slfit::evaluate<slfit::Chinchilla>(t, p, {}, 0)(rows / 2); });
  slfit::Array reused;
  const double evaluate_into_all = best_of([&] {
    slfit::evaluate_into<slfit::Chinchilla>(t, p, reused, {}, 0);
    sink += reused(rows / 2);
  });
  const slfit::BoundInputs<slfit::Chinchilla> in(slfit::Chinchilla{}, t, {});
  const auto view = in.view();
  const double formula =
      best_of([&] { sink += slfit::Array(slfit::Chinchilla::formula(p.data(), view))(rows / 3); });
  slfit::Array out(rows);
  const double floor = best_of([&] {
    out = (-p[3] * n.log()).exp() + (-p[4] * d.log()).exp();
    sink += out(rows / 4);
  });
  std::printf(
      "{\"rows\": %ld, \"repeats\": %d, \"threads\": %u, \"evaluate_seconds\": %.6f, "
      "\"evaluate_all_cores_seconds\": %.6f, \"evaluate_into_all_cores_seconds\": %.6f, "
      "\"formula_seconds\": %.6f, \"exp_log_seconds\": %.6f, \"checksum\": %.6g}\n",
      rows, repeats, std::thread::hardware_concurrency(), evaluate, evaluate_all, evaluate_into_all,
      formula, floor, sink);
  return 0;
}
