// The library's figures (runtime/figure.hpp) as Python dicts that the package draws with
// matplotlib: the same panels, series, axes and labels the tool draws with gnuplot.
#include "slfit/runtime/figure.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "slfit/runtime/design.hpp"

namespace slfit::python {

namespace {

const char* style_name(SeriesStyle s) {
  switch (s) {
    case SeriesStyle::kPoints:
      return "points";
    case SeriesStyle::kLinesPoints:
      return "linespoints";
    case SeriesStyle::kLines:
      break;
  }
  return "lines";
}

py::dict series_dict(const Series& s) {
  py::dict d;
  d["title"] = s.title;
  d["x"] = py::array_t<double>(static_cast<py::ssize_t>(s.x.size()), s.x.data());
  d["y"] = py::array_t<double>(static_cast<py::ssize_t>(s.y.size()), s.y.data());
  d["style"] = style_name(s.style);
  d["color"] = s.color;
  d["dash"] = s.dash;
  d["point"] = s.point;
  d["cb"] = s.cb;
  d["key_only"] = s.key_only;
  return d;
}

py::dict panel_dict(const Panel& p) {
  py::dict d;
  d["title"] = p.title;
  d["xlabel"] = p.xlabel;
  d["ylabel"] = p.ylabel;
  d["logx"] = p.logx;
  d["logy"] = p.logy;
  d["identity"] = p.identity;
  d["key"] = p.key;
  d["cblabel"] = p.cblabel;
  d["logcb"] = p.logcb;
  py::list series;
  for (const auto& s : p.series) series.append(series_dict(s));
  d["series"] = series;
  return d;
}

py::dict figure_dict(const Figure& f) {
  py::dict d;
  d["title"] = f.title;
  py::list panels;
  for (const auto& p : f.panels) panels.append(panel_dict(p));
  d["panels"] = panels;
  return d;
}

// The class of a run handle, with its figure().
template <class Run>
void bind_handle(py::module_& m, const char* name, const char* doc, const char* figure_doc) {
  py::class_<RunHandle<Run>>(m, name, doc)
      .def(
          "figure",
          [](const RunHandle<Run>& h, const std::string& title) {
            return figure_dict(figure(*h.run, title));
          },
          py::arg("title") = "", figure_doc);
}

}  // namespace

void bind_figures(py::module_& m) {
  bind_handle<FitRun>(m, "FitRun", "A fit run kept for its figure.",
                      "The figure `slfit fit --plot` draws, as a dict of panels.");
  bind_handle<IsoflopRun>(m, "IsoflopRun", "An isoflop run kept for its figure.",
                          "The figure `slfit isoflop --plot` draws, as a dict of panels.");
  bind_handle<DesignRun>(m, "DesignRun", "A design run kept for its figure.",
                         "The figure `slfit design --plot` draws, as a dict of panels.");
  m.def(
      "palette",
      [] {
        std::vector<std::string> out;
        for (int i = 0; i < kPaletteColors; ++i) out.emplace_back(palette_color(i));
        return out;
      },
      "The figures' colours, as the tool draws them.");
}

}  // namespace slfit::python
