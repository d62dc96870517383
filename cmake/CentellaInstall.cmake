# The SDK: `cmake --install build --prefix PREFIX` (or ./dev install PREFIX) gives
#   PREFIX/bin/                     centella-submit, the daemons, the data generators
#   PREFIX/include/centella/        centella.h (the one include of a job) and the headers
#                                   it reaches (common/, engine/, driver/, generated *.pb.h)
#   PREFIX/lib/                     the static libraries of centella::centella
#   PREFIX/lib/cmake/Centella/      CentellaConfig.cmake, CentellaConfigVersion.cmake, the
#                                   exported targets and centella_add_job()
# Every path in the package is relative to PREFIX, so the prefix can be moved.
# Included last by the top-level CMakeLists.txt, once every target exists.
include(CMakePackageConfigHelpers)

# The centella_* libraries centella::centella links, directly or through others: exactly
# what has to be installed and exported (a static library's dependencies travel with it).
function(centella_link_closure target out_var)
  set(seen ${${out_var}})
  get_target_property(deps ${target} INTERFACE_LINK_LIBRARIES)
  if(NOT deps)
    return()
  endif()
  foreach(dep IN LISTS deps)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" dep "${dep}")
    if(TARGET ${dep} AND dep MATCHES "^centella_" AND NOT dep IN_LIST seen)
      get_target_property(testonly ${dep} CENTELLA_TESTONLY)
      if(testonly)
        message(FATAL_ERROR "${target} depends on the test-only library ${dep}")
      endif()
      list(APPEND seen ${dep})
      set(${out_var} ${seen})
      centella_link_closure(${dep} ${out_var})
      set(seen ${${out_var}})
    endif()
  endforeach()
  set(${out_var} ${seen} PARENT_SCOPE)
endfunction()

set(CENTELLA_SDK_LIBRARIES "")
centella_link_closure(centella_centella CENTELLA_SDK_LIBRARIES)

install(TARGETS centella_centella ${CENTELLA_SDK_LIBRARIES}
  EXPORT CentellaTargets
  ARCHIVE DESTINATION lib
  LIBRARY DESTINATION lib)
install(TARGETS centella-submit centella-cluster-manager centella-executor centella-gen-corpus
                centella-gen-records centella-kafka-dev
  RUNTIME DESTINATION bin)

install(FILES ${PROJECT_SOURCE_DIR}/include/centella/centella.h
              ${PROJECT_SOURCE_DIR}/include/centella/streaming.h
  DESTINATION include/centella)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/common ${PROJECT_SOURCE_DIR}/engine
                  ${PROJECT_SOURCE_DIR}/driver
  DESTINATION include/centella
  FILES_MATCHING PATTERN "*.h"
  PATTERN "tests" EXCLUDE
  PATTERN "fake_*" EXCLUDE)
install(DIRECTORY ${PROJECT_BINARY_DIR}/proto_gen/
  DESTINATION include/centella
  FILES_MATCHING PATTERN "*.pb.h")

set(CENTELLA_PACKAGE_DIR lib/cmake/Centella)
install(EXPORT CentellaTargets NAMESPACE centella:: DESTINATION ${CENTELLA_PACKAGE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/CentellaConfig.cmake.in
  ${PROJECT_BINARY_DIR}/CentellaConfig.cmake
  INSTALL_DESTINATION ${CENTELLA_PACKAGE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/CentellaConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/CentellaConfig.cmake
              ${PROJECT_BINARY_DIR}/CentellaConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/CentellaRuntimeDependencies.cmake
              ${PROJECT_SOURCE_DIR}/cmake/CentellaJob.cmake
  DESTINATION ${CENTELLA_PACKAGE_DIR})
