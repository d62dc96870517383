# centella_add_library(NAME SRCS ... DEPS ... [TESTONLY])
#   One static library per folder. Include root is the repository root, so headers are
#   included as "common/serde/serde.h"; installed, the same headers live under
#   <prefix>/include/centella/. TESTONLY marks fakes and fixtures: never installed, and a
#   production library must not depend on one.
function(centella_add_library name)
  cmake_parse_arguments(ARG "TESTONLY" "" "SRCS;DEPS" ${ARGN})
  if(ARG_TESTONLY AND NOT CENTELLA_BUILD_TESTS)
    return()
  endif()
  add_library(${name} STATIC ${ARG_SRCS})
  if(ARG_TESTONLY)
    set_property(TARGET ${name} PROPERTY CENTELLA_TESTONLY TRUE)
  endif()
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/proto_gen>
    $<INSTALL_INTERFACE:include/centella>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# centella_add_test(NAME SRCS ... DEPS ...)
#   A GoogleTest binary registered with ctest through gtest_discover_tests.
function(centella_add_test name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  if(NOT CENTELLA_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SRCS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest_main GTest::gmock)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "CENTELLA_BUILD_DIR=${PROJECT_BINARY_DIR}")
endfunction()

# centella_add_job(NAME SRCS ...): cmake/CentellaJob.cmake, the same function the SDK installs.
include(CentellaJob)
