# Runs one example for CTest: cmake -DEXE=... [-DDATA=FILE] -P run_example.cmake
# Where the example's data file is absent (the data sets live in ../shared/data beside the
# checkout), prints "skipped: ..." and succeeds; otherwise runs EXE [DATA] and fails if it fails.
if(DEFINED DATA AND NOT EXISTS "${DATA}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E echo
                  "skipped: ${DATA} not found (the data sets live in ../shared/data)")
  return()
endif()
execute_process(COMMAND ${EXE} ${DATA} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} ${DATA} exited with ${rc}")
endif()
