#include "driver/api/context.h"

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "driver/api/rdd.h"
#include "engine/rdd/text_file_node.h"
#include "engine/rdd/whole_text_files_node.h"

namespace centella {

absl::StatusOr<std::unique_ptr<Context>> Context::FromEnvironment(
    std::string_view default_app_name) {
  ContextOptions options;
  options.app_name = std::string(default_app_name);
  if (const char* m = std::getenv("CENTELLA_MASTER"); m != nullptr && *m != '\0') {
    options.master = m;
  }
  if (const char* n = std::getenv("CENTELLA_APP_NAME"); n != nullptr && *n != '\0') {
    options.app_name = n;
  }
  if (const char* c = std::getenv(kConfEnvVar); c != nullptr && *c != '\0') {
    absl::StatusOr<Conf> conf = Conf::Deserialize(c);
    if (!conf.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad configuration in $", kConfEnvVar, ": ", conf.status().message()));
    }
    options.conf = *std::move(conf);
  }
  return Create(std::move(options));
}

absl::StatusOr<std::unique_ptr<Context>> Context::Create(ContextOptions options) {
  ASSIGN_OR_RETURN(std::unique_ptr<DriverRuntime> runtime,
                   DriverRuntime::Create(std::move(options)));
  return std::unique_ptr<Context>(new Context(std::move(runtime)));
}

Context::Context(std::unique_ptr<DriverRuntime> runtime) : runtime_(std::move(runtime)) {}

Context::~Context() = default;

int Context::num_executors() const { return runtime_->num_executors(); }

Rdd<std::string, Pipeline<std::string>> Context::text_file(const std::string& path,
                                                           int min_partitions) {
  absl::Status status;
  std::vector<FileSplit> splits;
  // Absolute, because executors resolve the paths in their own working directories.
  absl::StatusOr<std::vector<std::string>> files =
      ListInputFiles(std::filesystem::absolute(path).lexically_normal().string());
  if (!files.ok()) {
    status = files.status();
  } else {
    absl::StatusOr<std::vector<FileSplit>> s =
        ComputeSplits(*files, min_partitions > 0 ? min_partitions : runtime_->default_parallelism(),
                      runtime_->max_split_bytes());
    if (s.ok()) {
      splits = *std::move(s);
    } else {
      status = s.status();
    }
  }
  int n = static_cast<int>(splits.size());
  auto node = std::make_shared<TextFileNode>(std::move(splits));
  runtime_->InitNode(*node, n);
  node->set_build_status(std::move(status));
  return Rdd<std::string, Pipeline<std::string>>(this, std::move(node));
}

Rdd<std::pair<std::string, std::string>, Pipeline<std::pair<std::string, std::string>>>
Context::whole_text_files(const std::string& path, int min_partitions) {
  using Record = std::pair<std::string, std::string>;
  absl::Status status;
  std::vector<std::vector<std::string>> groups;
  absl::StatusOr<std::vector<std::string>> files =
      ListInputFiles(std::filesystem::absolute(path).lexically_normal().string());
  if (!files.ok()) {
    status = files.status();
  } else {
    absl::StatusOr<std::vector<std::vector<std::string>>> g = GroupWholeFiles(
        *files, min_partitions > 0 ? min_partitions : runtime_->default_parallelism());
    if (g.ok()) {
      groups = *std::move(g);
    } else {
      status = g.status();
    }
  }
  int n = static_cast<int>(groups.size());
  auto node = std::make_shared<WholeTextFilesNode>(std::move(groups));
  runtime_->InitNode(*node, n);
  node->set_build_status(std::move(status));
  return Rdd<Record, Pipeline<Record>>(this, std::move(node));
}

}  // namespace centella
