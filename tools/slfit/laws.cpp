// `slfit laws`: the catalogue, as text or JSON.
#include <iostream>

#include "args.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit::tool {

Command add_laws_command(CLI::App& app) {
  struct Args {
    bool json = false;
    std::string law, law_file;
  };
  auto a = std::make_shared<Args>();
  auto* laws = app.add_subcommand("laws", "list laws: inputs, parameters, presets, analyses");
  laws->add_flag("--json", a->json, "print JSON");
  add_law_options(laws, a->law, a->law_file);
  laws->footer(
      "With --law or --law-file, one law: what slfit understood of it (inputs, parameters with\n"
      "bounds and transforms, the parameters that enter linearly, presets, the formula).\n"
      "Examples:\n"
      "  slfit laws\n"
      "  slfit laws --law-file my_law.json\n"
      "  slfit laws --json | python3 -c \"import json,sys; print([l['name'] for l in "
      "json.load(sys.stdin)])\"");
  return {laws, [a] {
            if (a->law.empty() && a->law_file.empty()) {
              std::cout << (a->json ? laws_json() + "\n" : laws_report());
            } else {
              const LawEntry& law = resolve_law(law_argument(a->law, a->law_file));
              std::cout << (a->json ? laws_json(law) + "\n" : laws_report(law));
            }
            return 0;
          }};
}

}  // namespace slfit::tool
