# Project-wide options, warnings and sanitizers.
#
# Warnings and sanitizers are INTERFACE targets that each chartscan target links PRIVATE, so they
# apply to our code only and never leak to consumers or third-party headers (which are included as
# SYSTEM by their imported targets).

option(CHARTSCAN_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" ON)
option(CHARTSCAN_ENABLE_ASAN "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(CHARTSCAN_BUILD_TESTS "Build the test suite" ON)
option(CHARTSCAN_BUILD_BENCH "Build benchmarks" ON)

add_library(chartscan_warnings INTERFACE)
add_library(chartscan::warnings ALIAS chartscan_warnings)
target_compile_options(chartscan_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
  # -Wnull-dereference is left out: GCC 12 raises it inside libstdc++ (std::string, streambuf)
  # when inlining at -O2, on code that cannot dereference null.
  -Wformat=2 -Wimplicit-fallthrough -Wmisleading-indentation
  # GCC 12 at -O3 reports -Wrestrict inside std::string::insert/operator+ on plain string code
  # (GCC bug 105651, fixed in 13): the release preset would not build with -Werror.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>
  $<$<BOOL:${CHARTSCAN_WARNINGS_AS_ERRORS}>:-Werror>)

add_library(chartscan_sanitizers INTERFACE)
add_library(chartscan::sanitizers ALIAS chartscan_sanitizers)
if(CHARTSCAN_ENABLE_ASAN)
  target_compile_options(chartscan_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(chartscan_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# chartscan_stage(NAME SOURCES... [LIBS ...]) declares a stage library chartscan::NAME with its
# public headers under NAME/include. Only chartscan::models is linked PUBLIC; everything else a stage
# needs is PRIVATE, which keeps third-party types out of every other stage.
function(chartscan_stage name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_library(chartscan_${name} STATIC ${ARG_SOURCES})
  add_library(chartscan::${name} ALIAS chartscan_${name})
  target_include_directories(chartscan_${name}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  if(NOT name STREQUAL "models")
    target_link_libraries(chartscan_${name} PUBLIC chartscan::models)
  endif()
  target_link_libraries(chartscan_${name} PRIVATE chartscan::warnings chartscan::sanitizers ${ARG_LIBS})
  target_compile_features(chartscan_${name} PUBLIC cxx_std_20)
endfunction()
