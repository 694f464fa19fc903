// `slfit laws`: the catalogue, as text or JSON.
#include <iostream>

#include "args.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit::tool {

Command add_laws_command(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  auto* laws = app.add_subcommand("laws", "list laws: inputs, parameters, presets, analyses");
  laws->add_flag("--json", *json, "print JSON");
  laws->footer(
      "Examples:\n"
      "  slfit laws\n"
      "  slfit laws --json | python3 -c \"import json,sys; print([l['name'] for l in "
      "json.load(sys.stdin)])\"");
  return {laws, [json] {
            std::cout << (*json ? laws_json() + "\n" : laws_report());
            return 0;
          }};
}

}  // namespace slfit::tool
