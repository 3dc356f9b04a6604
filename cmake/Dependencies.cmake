# Third-party libraries, all from Debian 12 packages (see scripts/install-deps.sh).
#
# Each becomes an imported target named chartscan_dep::<name>, so stage CMakeLists link a stable
# name and this file is the one place that knows how a library is found. OpenCV is found by hand
# because Debian ships its CMake config only in the all-modules libopencv-dev package (about 250
# packages with VTK and Qt); we install just the core, imgproc, imgcodecs and photo modules.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

function(chartscan_pkg name module)
  pkg_check_modules(${name} REQUIRED IMPORTED_TARGET GLOBAL ${module})
  add_library(chartscan_dep::${name} ALIAS PkgConfig::${name})
endfunction()

chartscan_pkg(tesseract tesseract)
chartscan_pkg(leptonica lept)
# Hunspell 1.7: the dictionaries word repair checks OCR readings against (ocr/src/word_repair.cc).
chartscan_pkg(hunspell hunspell)
chartscan_pkg(poppler_glib poppler-glib)
chartscan_pkg(sqlite3 sqlite3)
chartscan_pkg(sodium libsodium)
chartscan_pkg(tiff libtiff-4)
chartscan_pkg(pangocairo pangocairo)
chartscan_pkg(glib glib-2.0)
# SANE: scanners in capture. Tests use SANE's own virtual `test` and `pnm` backends.
chartscan_pkg(sane sane-backends)
# ZXing-cpp 1.4 (barcode reading and, in the sample generator, writing). ZX_USE_UTF8 makes
# Result::text() return UTF-8 std::string, the API later releases keep.
chartscan_pkg(zxing zxing)
# cpp-httplib 0.11 (the viewer's HTTP server). Debian builds it as a shared library with OpenSSL,
# zlib and Brotli support; its pkg-config file carries the matching CPPHTTPLIB_* definitions, which
# must agree with the library's or the classes' layouts differ.
chartscan_pkg(httplib cpp-httplib)
# Release packages: LittleCMS makes the sRGB ICC profile of the PDF/A output intent; OpenSSL's
# libcrypto hashes files (SHA-256 for manifests, SHA-1 where FHIR attachments ask for it); zlib
# compresses PDF streams.
chartscan_pkg(lcms2 lcms2)
chartscan_pkg(crypto libcrypto)
chartscan_pkg(zlib zlib)
# libpng: cleanup writes the display image's PNG itself to choose the row filter (OpenCV does not
# let it).
chartscan_pkg(png libpng)
set_property(TARGET PkgConfig::zxing APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS ZX_USE_UTF8)

find_path(OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
add_library(chartscan_dep_opencv INTERFACE)
add_library(chartscan_dep::opencv ALIAS chartscan_dep_opencv)
target_include_directories(chartscan_dep_opencv SYSTEM INTERFACE ${OPENCV_INCLUDE_DIR})
foreach(module core imgproc imgcodecs photo)
  find_library(OPENCV_${module}_LIBRARY opencv_${module} REQUIRED)
  target_link_libraries(chartscan_dep_opencv INTERFACE ${OPENCV_${module}_LIBRARY})
endforeach()

find_package(nlohmann_json 3.10 REQUIRED)
add_library(chartscan_dep_json INTERFACE)
add_library(chartscan_dep::json ALIAS chartscan_dep_json)
target_link_libraries(chartscan_dep_json INTERFACE nlohmann_json::nlohmann_json)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
add_library(chartscan_dep_cli11 INTERFACE)
add_library(chartscan_dep::cli11 ALIAS chartscan_dep_cli11)
target_include_directories(chartscan_dep_cli11 SYSTEM INTERFACE ${CLI11_INCLUDE_DIR})

if(CHARTSCAN_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
