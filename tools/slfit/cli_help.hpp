// Argument checks before CLI11 parses: an unknown command or option is named with the closest
// valid one ("unknown option '--dat' for slfit fit (did you mean '--data'?)").
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "slfit/detail/text.hpp"

namespace slfit::tool {

// "" when the command line names a known command and only its options; else the message.
inline std::string check_arguments(CLI::App& app, int argc, char** argv) {
  if (argc < 2) return "";
  const std::string first = argv[1];
  if (first.empty() || first[0] == '-') return "";  // --help and friends: CLI11's business
  std::vector<std::string> commands;
  CLI::App* sub = nullptr;
  for (CLI::App* s : app.get_subcommands([](CLI::App*) { return true; })) {
    commands.push_back(s->get_name());
    if (s->get_name() == first) sub = s;
  }
  if (!sub) {
    return "unknown command '" + first + "'" + detail::did_you_mean(first, commands) +
           "; commands are: " + detail::join(commands) + " (see slfit --help)";
  }
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 3 || arg.rfind("--", 0) != 0) continue;
    const std::string name = arg.substr(0, arg.find('='));
    if (sub->get_option_no_throw(name) != nullptr) continue;
    std::vector<std::string> names;
    for (const CLI::Option* o : sub->get_options())
      for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    return "unknown option '" + name + "' for slfit " + first + detail::did_you_mean(name, names) +
           " (see slfit " + first + " --help)";
  }
  return "";
}

}  // namespace slfit::tool
