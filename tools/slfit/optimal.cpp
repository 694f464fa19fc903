// `slfit optimal`: a law's analyses (allocation, dcrit, ...) at the points of a grid.
#include <iostream>

#include "args.hpp"

namespace slfit::tool {

Command add_optimal_command(CLI::App& app) {
  struct Args {
    LawSourceArgs source;
    std::string quantity, vs;
    std::vector<std::string> bits;
    OutputArgs output;
  };
  auto a = std::make_shared<Args>();
  auto* optimal = app.add_subcommand("optimal", "optimal quantities of a law (allocation, ...)");
  add_law_source_options(optimal, a->source, false);  // precision-efficiency takes --bits
  optimal
      ->add_option("--quantity", a->quantity,
                   "an analysis of the law (`slfit laws` lists each law's): allocation, compute, "
                   "precision, dcrit, format, tokens, multiplier, wa-ratio, ...")
      ->required();
  optimal->add_option("--vs", a->vs,
                      "a second fit of the law (parameter file): --quantity multiplier is then "
                      "how many times more compute the first fit needs to reach the loss this "
                      "one reaches at C");
  optimal->add_option("--bits", a->bits,
                      "--quantity precision-efficiency: LEVEL=P items (w4a4=4,fp4=4,bf16=16), the "
                      "reference's included");
  add_output_options(optimal, a->output,
                     "draw the outputs against the swept input to FILE.png or FILE.svg "
                     "(allocation: the compute-optimal frontier)");
  optimal->footer(
      "Examples:\n"
      "  slfit optimal --law chinchilla --preset hoffmann2022 --quantity allocation "
      "--at C=5.76e23 --plot frontier.png\n"
      "  slfit optimal --law kumar-ptq --preset kumar2024 --quantity dcrit --at N=1e9 "
      "--at P_post=3,4\n"
      "  slfit optimal --law capybara --preset sun2025 --quantity format --at P=4,8,16 --csv\n"
      "  slfit optimal --law qid --preset ouyang2024 --quantity tokens --at N=7e9 --at P=4 "
      "--at qid=0.2\n"
      "  slfit optimal --law chinchilla --params mixA.json --vs mixB.json --quantity multiplier "
      "--at C=1e21,1e23\n"
      "  slfit optimal --law compression --params fit.json --quantity precision-efficiency "
      "--bits w4a4=4,w8a8=8,bf16=16");
  return {optimal, [a] {
            check_output(a->output);
            OptimalRequest q{law_argument(a->source.law, a->source.law_file), a->source.preset,
                             a->source.params, a->quantity, a->source.at};
            q.vs = a->vs;
            q.bits = a->bits;
            return print_run(run_optimal(q), a->output);
          }};
}

}  // namespace slfit::tool
