# Fails when a source of the window (ql_app: the main window, the bridge, settings) depends on a
# libtorch header: the window calls the engine through the torch-free Workbench façade only.
# Reads the dependencies Ninja recorded while compiling (run after a build).
# Usage: cmake -DNINJA=... -DBUILD_DIR=... -DOBJECTS="a.o;b.o" -P check_torch_free.cmake
set(_bad "")
foreach(obj ${OBJECTS})
  execute_process(COMMAND ${NINJA} -C ${BUILD_DIR} -t deps ${obj} OUTPUT_VARIABLE _deps RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0 OR NOT _deps MATCHES "\\.(h|hpp)")
    message(FATAL_ERROR "no recorded dependencies for ${obj} (build first): ${_deps}")
  endif()
  string(REGEX MATCHALL "/[^\n ]*/(ATen|c10|torch|caffe2)/[^\n ]*" _torch "${_deps}")
  if(_torch)
    list(GET _torch 0 _first)
    list(LENGTH _torch _n)
    string(APPEND _bad "${obj}: ${_n} libtorch headers, e.g. ${_first}\n")
  endif()
endforeach()
if(_bad)
  message(FATAL_ERROR "GUI sources include libtorch:\n${_bad}")
endif()
list(LENGTH OBJECTS _count)
message(STATUS "${_count} GUI objects are torch-free")
