# centella_add_job(NAME SOURCES...)
#   A Centella job: an ordinary C++ program linked against centella::centella. The same
#   binary runs as driver and, started by an executor daemon, as executor (the library
#   wraps main(); see executor/process/executor_main.cc). Run it with centella-submit.
#   Installed with the SDK (lib/cmake/Centella/) and used by the build itself.
function(centella_add_job name)
  if(NOT ARGN)
    message(FATAL_ERROR "centella_add_job(${name}): no source files given")
  endif()
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE centella::centella)
endfunction()
