// Microbenchmarks of slfit's hot paths (Google Benchmark): how the cost of evaluation, a single
// fit, a grid fit and a bootstrap grows with rows, starts, resamples and threads.
//
//   bench/run.sh micro            # or: build-bench/bench/slfit_micro --benchmark_filter=Grid
//
// Tables are simulated Chinchilla losses (epoch2024 constants, 1% multiplicative noise, seeded) on
// a grid of N from 7e7 to 1.6e10 and D from 5e9 to 5e11 tokens, so no data files are needed.
#include <benchmark/benchmark.h>
#include <glog/logging.h>

#include <cmath>
#include <slfit/slfit.hpp>
#include <vector>

namespace {

using slfit::Array;
using slfit::ColumnView;

// A simulated table of about `rows` rows (a square grid of N and D).
slfit::Table chinchilla_table(long rows, std::uint64_t seed = 7) {
  const auto side = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(rows))));
  std::vector<double> n, d;
  for (int i = 0; i < side; ++i) {
    const double u = side > 1 ? static_cast<double>(i) / (side - 1) : 0.0;
    n.push_back(7e7 * std::pow(1.6e10 / 7e7, u));
    d.push_back(5e9 * std::pow(5e11 / 5e9, u));
  }
  slfit::SimulateOptions so;
  so.noise = 0.01;
  so.kind = slfit::Noise::kMultiplicative;
  so.seed = seed;
  slfit::Table t = slfit::simulate<slfit::Chinchilla>(
      {{"N", n}, {"D", d}}, slfit::preset_values<slfit::Chinchilla>("epoch2024"), so);
  std::vector<Eigen::Index> keep;
  for (Eigen::Index r = 0; r < std::min<Eigen::Index>(rows, t.rows()); ++r) keep.push_back(r);
  return t.select(keep);
}

slfit::FitOptions hoffmann_options() {
  slfit::FitOptions o;
  o.objective = slfit::Objective::kHuber;
  o.delta = 1e-3;
  o.space = slfit::Space::kLog;
  return o;
}

const std::vector<double> kParams = {1.81686, 482.00572, 2085.43420, 0.34781, 0.36585};

// evaluate<Chinchilla> on a table: column lookup, domain checks, logs of N and D, the formula;
// on 1 or 2 threads (tables under slfit::kParallelRows rows stay on one).
void BM_Evaluate(benchmark::State& state) {
  const slfit::Table t = chinchilla_table(state.range(0));
  const auto threads = static_cast<int>(state.range(1));
  for (auto _ : state)
    benchmark::DoNotOptimize(slfit::evaluate<slfit::Chinchilla>(t, kParams, {}, threads));
  state.SetItemsProcessed(state.iterations() * t.rows());
}
BENCHMARK(BM_Evaluate)
    ->Apply([](benchmark::internal::Benchmark* b) {
      for (int threads : {1, 2})
        for (long rows = 100; rows <= 10'000'000; rows *= 10) b->Args({rows, threads});
    })
    ->Unit(benchmark::kMicrosecond);

// The formula alone, with logs of the inputs computed once (as inside a fit).
void BM_FormulaWithLogs(benchmark::State& state) {
  const slfit::Table t = chinchilla_table(state.range(0));
  const slfit::BoundInputs<slfit::Chinchilla> in(slfit::Chinchilla{}, t, {});
  const auto view = in.view();
  for (auto _ : state)
    benchmark::DoNotOptimize(Array(slfit::Chinchilla::formula(kParams.data(), view)));
  state.SetItemsProcessed(state.iterations() * t.rows());
}
BENCHMARK(BM_FormulaWithLogs)
    ->RangeMultiplier(10)
    ->Range(100, 10'000'000)
    ->Unit(benchmark::kMicrosecond);

// The floor: two logs and two exps per row and nothing else.
void BM_ExpLogOnly(benchmark::State& state) {
  const slfit::Table t = chinchilla_table(state.range(0));
  const ColumnView n = t.column("N");
  const ColumnView d = t.column("D");
  Array out(n.size());
  for (auto _ : state) {
    out = (-0.34 * n.log()).exp() + (-0.37 * d.log()).exp();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * t.rows());
}
BENCHMARK(BM_ExpLogOnly)
    ->RangeMultiplier(10)
    ->Range(100, 10'000'000)
    ->Unit(benchmark::kMicrosecond);

// Residuals and Jacobian in log space (one LM iteration's evaluation).
void BM_Jacobian(benchmark::State& state) {
  const slfit::Table t = chinchilla_table(state.range(0));
  const slfit::FitProblem<slfit::Chinchilla> problem(t, hoffmann_options());
  const slfit::ResidualModel<slfit::Chinchilla> model(problem);
  slfit::ResidualModel<slfit::Chinchilla>::Scratch scratch;
  Eigen::VectorXd r;
  Eigen::MatrixXd jac;
  const double x[] = {std::log(1.8), std::log(480.0), std::log(2100.0), 0.35, 0.37};
  for (auto _ : state) benchmark::DoNotOptimize(model.residuals_and_jacobian(x, r, jac, scratch));
  state.SetItemsProcessed(state.iterations() * t.rows());
}
BENCHMARK(BM_Jacobian)->RangeMultiplier(10)->Range(100, 1'000'000)->Unit(benchmark::kMicrosecond);

// One fit from one start (dense LM, then Ceres' polish), Huber 1e-3 on log L.
void BM_SingleFit(benchmark::State& state) {
  const slfit::Table t = chinchilla_table(state.range(0));
  slfit::FitOptions o = hoffmann_options();
  o.starts = slfit::StartSpec::explicit_points(
      {{{"E", 2.0}, {"A", 300.0}, {"B", 1000.0}, {"alpha", 0.3}, {"beta", 0.3}}});
  o.polish = 1;
  o.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(slfit::fit<slfit::Chinchilla>(t, o));
  state.SetItemsProcessed(state.iterations() * t.rows());
}
BENCHMARK(BM_SingleFit)->RangeMultiplier(10)->Range(100, 1'000'000)->Unit(benchmark::kMillisecond);

// Random starts over the default box, screened by variable projection: args (starts, threads).
void BM_GridFit(benchmark::State& state) {
  const slfit::Table t = chinchilla_table(240);
  slfit::FitOptions o = hoffmann_options();
  o.starts = slfit::StartSpec::random(static_cast<int>(state.range(0)));
  o.threads = static_cast<int>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(slfit::fit<slfit::Chinchilla>(t, o));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GridFit)
    ->ArgsProduct({{100, 1000, 10000, 100000}, {1, 2}})
    ->Unit(benchmark::kMillisecond);

// Hoffmann's 4500-point grid solved from every start (no screening): args (threads).
void BM_GridFitUnscreened(benchmark::State& state) {
  const slfit::Table t = chinchilla_table(240);
  slfit::FitOptions o = hoffmann_options();
  o.starts = slfit::StartSpec::grid("hoffmann");
  o.screening = slfit::Screening::kOff;
  o.threads = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(slfit::fit<slfit::Chinchilla>(t, o));
}
BENCHMARK(BM_GridFitUnscreened)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(1);

// Bootstrap refits from the best fit: args (resamples, threads).
void BM_Bootstrap(benchmark::State& state) {
  const slfit::Table t = chinchilla_table(240);
  slfit::FitOptions o = hoffmann_options();
  o.starts = slfit::StartSpec::grid("hoffmann");
  const slfit::FitResult best = slfit::fit<slfit::Chinchilla>(t, o);
  slfit::BootstrapOptions b;
  b.resamples = static_cast<int>(state.range(0));
  b.threads = static_cast<int>(state.range(1));
  b.seed = 1;
  for (auto _ : state)
    benchmark::DoNotOptimize(slfit::bootstrap<slfit::Chinchilla>(t, o, b, &best));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Bootstrap)->ArgsProduct({{100, 1000, 4000}, {1, 2}})->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  google::InitGoogleLogging(argv[0]);
  FLAGS_minloglevel = 3;  // Ceres' solver chatter
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
