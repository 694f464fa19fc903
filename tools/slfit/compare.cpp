// `slfit compare`: several laws fitted to one table and ranked.
#include <iostream>
#include <sstream>

#include "args.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit::tool {

Command add_compare_command(CLI::App& app) {
  struct Args {
    std::string laws;
    FitArgs fit;
    bool csv = false;
  };
  auto a = std::make_shared<Args>();
  auto* compare = app.add_subcommand("compare", "fit several laws on one table and rank them");
  compare
      ->add_option("--laws", a->laws,
                   "comma-separated law names or law-file paths (a path has a '/' or ends in "
                   "\".json\")")
      ->required();
  add_fit_options(compare, a->fit);
  compare->add_flag("--csv", a->csv, "print the ranking as CSV");
  compare->footer(
      "Examples:\n"
      "  slfit compare --laws chinchilla,pythia-kaplan --data runs.csv --holdout \"N >= 1e9\"\n"
      "  slfit compare --laws chinchilla,pythia-kaplan --data runs.csv --csv\n"
      "  slfit compare --laws chinchilla,./my_law.json --data runs.csv");
  return {compare, [a] {
            if (a->fit.json && a->csv) throw UsageError("give at most one of --json and --csv");
            CompareRequest q;
            q.fit = fit_request(a->fit);
            std::stringstream ss(a->laws);
            std::string name;
            while (std::getline(ss, name, ',')) {
              const auto b = name.find_first_not_of(" \t"), e = name.find_last_not_of(" \t");
              q.laws.push_back(b == std::string::npos ? "" : name.substr(b, e - b + 1));
            }
            const Comparison c = run_compare(q);
            std::cout << (a->csv ? to_csv(c) : a->fit.json ? to_json(c) + "\n" : report(c));
            return 0;
          }};
}

}  // namespace slfit::tool
