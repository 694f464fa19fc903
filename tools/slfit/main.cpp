// slfit: the command-line tool. A thin front end: it parses arguments into one request to the
// library's run-time layer (slfit::runtime) and prints what comes back. It names no law.
//
// Exit codes: 0 success; 2 usage errors (unknown law, bad flag); 1 bad data or a failed fit. Every
// error is one line on stderr starting with "slfit: error: ".
#include <glog/logging.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "args.hpp"
#include "cli_help.hpp"
#include "slfit/core/error.hpp"
#include "slfit/core/expression.hpp"

namespace {

int fail(int code, const std::string& message) {
  std::cerr << "slfit: error: " << slfit::tool::tool_message(message) << "\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace slfit::tool;
  // Ceres logs through glog when a step lands where the Jacobian is not finite; the fit result
  // already reports how each start ended, so the tool keeps stderr for its own one-line errors.
  FLAGS_minloglevel = google::GLOG_FATAL;
  CLI::App app{
      "slfit: fit, evaluate and use scaling laws of language-model training and quantization",
      "slfit"};
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  slfit demo                                   # the tour; plots into slfit-demo/\n"
      "  slfit laws --json\n"
      "  slfit fit --law chinchilla --data runs.csv --objective huber --delta 1e-3 --starts "
      "hoffmann --plot fit.png\n"
      "  slfit predict --law chinchilla --preset epoch2024 --at N=7e9,70e9 --at D=1.4e12\n"
      "Run `slfit COMMAND --help` for each command's flags and examples.\n");
  const std::vector<Command> commands = {
      add_laws_command(app),    add_fit_command(app),     add_compare_command(app),
      add_predict_command(app), add_optimal_command(app), add_simulate_command(app),
      add_isoflop_command(app), add_design_command(app),  add_demo_command(app)};

  if (const std::string bad = check_arguments(app, argc, argv); !bad.empty()) return fail(2, bad);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return fail(2, std::string(e.what()) + " (see slfit --help)");
  }

  std::string command = "slfit";
  try {
    for (const auto& c : commands) {
      if (!*c.app) continue;
      command = "slfit " + c.app->get_name();
      return c.run();
    }
  } catch (const slfit::UsageError& e) {
    return fail(2, e.what());
  } catch (const slfit::ExpressionError& e) {
    return fail(2, e.what());
  } catch (const std::bad_alloc&) {
    // Never the raw "std::bad_alloc": say which command ran out, and what to do.
    return fail(1, command + " ran out of memory: the request needs more memory than this " +
                       "machine has (use fewer rows, resamples, starts or grid points)");
  } catch (const std::exception& e) {
    return fail(1, e.what());
  }
  return 2;
}
