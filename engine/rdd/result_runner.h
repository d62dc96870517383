// ResultRunner<Pipe, Action>: the end of a result stage. Runs the stage's pipeline into a
// fresh copy of the action and returns the partition's serialized partial result.
#ifndef CENTELLA_ENGINE_RDD_RESULT_RUNNER_H_
#define CENTELLA_ENGINE_RDD_RESULT_RUNNER_H_

#include <memory>
#include <string>

#include "engine/plan/operator_registry.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/task/stage_runner.h"

namespace centella {

template <class Pipe, class Action>
class ResultRunner final : public RegisteredPlanObject<ResultRunner<Pipe, Action>, StageRunner> {
 public:
  ResultRunner(Pipe pipe, Action action) : pipe_(std::move(pipe)), action_(std::move(action)) {}

  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    pipe_.Write(w);
    action_.Write(w);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      std::optional<Pipe> pipe = Pipe::Read(r);
      if (!pipe) return nullptr;
      std::optional<Action> action = Action::Read(r);
      if (!action) return nullptr;
      return std::make_unique<ResultRunner>(std::move(*pipe), std::move(*action));
    });
  }

  absl::StatusOr<TaskOutcome> Run(TaskContext& ctx, const NodeBase& root) const override {
    Action action = action_;
    action.Begin(ctx);
    auto sink = [&action](auto&& x) { action.Add(std::forward<decltype(x)>(x)); };
    absl::Status s =
        RunPipeline(ctx, root, ctx.partition(), pipe_, sink, [&action] { return action.Done(); });
    if (!s.ok()) return s;
    absl::StatusOr<std::string> value = action.Finish(ctx);
    if (!value.ok()) return value.status();
    TaskOutcome outcome;
    outcome.value = std::move(*value);
    return outcome;
  }

 private:
  Pipe pipe_;
  Action action_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_RESULT_RUNNER_H_
