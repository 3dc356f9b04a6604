# chartscan_test(NAME SOURCES... LIBS ... [LABELS ...] [TIMEOUT s]) builds one GoogleTest binary and
# registers its tests with CTest (gtest_discover_tests) so each TEST is reported on its own.
include(GoogleTest)
function(chartscan_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main
    chartscan::warnings chartscan::sanitizers)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${name}
    TEST_PREFIX "${name}."
    PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "CHARTSCAN_SOURCE_DIR=${PROJECT_SOURCE_DIR};CHARTSCAN_BINARY_DIR=${PROJECT_BINARY_DIR}"
    DISCOVERY_TIMEOUT 60)
endfunction()
