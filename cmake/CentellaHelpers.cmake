# centella_add_library(NAME SRCS ... DEPS ...)
#   One static library per folder. Include root is the repository root, so headers are
#   included as "common/serde/serde.h".
function(centella_add_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/proto_gen)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# centella_add_test(NAME SRCS ... DEPS ...)
#   A GoogleTest binary registered with ctest through gtest_discover_tests.
function(centella_add_test name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest_main GTest::gmock)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "CENTELLA_BUILD_DIR=${PROJECT_BINARY_DIR}")
endfunction()

# centella_add_job(NAME SRCS ...)
#   A Centella job: an ordinary C++ program linked against the Centella library. The same
#   binary runs as driver and (in cluster mode) as executor.
function(centella_add_job name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE centella::centella)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()
