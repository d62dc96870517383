# The third-party libraries a Centella job links (through centella::centella). Used by the
# build (CentellaDependencies.cmake) and by the installed package (CentellaConfig.cmake),
# so that both find the same libraries the same way. Debian 12 packages; see ./dev setup.
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)          # CMake's module: Debian ships no protobuf-config.cmake
find_package(gRPC CONFIG REQUIRED)       # gRPC 1.51, built against the same Abseil
find_package(absl CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(ZLIB REQUIRED)              # gzip input files (text_file)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
find_package(nlohmann_json CONFIG REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka++ rdkafka)  # Kafka inputs of streams
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)            # PostgreSQL sink of streams
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)        # Redis sink of streams
