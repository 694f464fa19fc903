// Test runner. Ceres logs through glog when a solver step lands where a law is not finite; the
// fit results report that already, so the tests keep stderr for Catch's own output.
#define CATCH_CONFIG_RUNNER
#include <glog/logging.h>

#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  FLAGS_minloglevel = google::GLOG_FATAL;
  return Catch::Session().run(argc, argv);
}
