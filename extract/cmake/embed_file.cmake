# Turns a data file into a C++ source defining one std::string_view over its bytes, as a raw string
# literal. Run as: cmake -DINPUT=file -DOUTPUT=file.cc -DSYMBOL=kName -P embed_file.cmake
file(READ "${INPUT}" content)
set(delim "chartscan_data")
string(FIND "${content}" ")${delim}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter )${delim}\"")
endif()
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
  "// Generated from extract/data/${name} by embed_file.cmake; do not edit.\n"
  "#include \"embedded_data.h\"\n\n"
  "namespace chartscan::extract::data {\n"
  "const std::string_view ${SYMBOL} = R\"${delim}(${content})${delim}\";\n"
  "}  // namespace chartscan::extract::data\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
