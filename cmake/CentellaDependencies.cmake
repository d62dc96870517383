# Every third-party library Centella uses, found once. Debian 12 packages; see ./dev setup.
# What jobs link is in CentellaRuntimeDependencies.cmake (installed with the SDK); the rest
# is for the daemons, the tools and the tests.
include(CentellaRuntimeDependencies)
find_package(GTest CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # the status UIs' HTTP server
