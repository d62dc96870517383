#include "driver/scheduler/map_output_registry.h"

namespace centella {

void MapOutputRegistry::RegisterShuffle(int shuffle_id, int num_maps) {
  shuffles_.try_emplace(shuffle_id, num_maps);
}

bool MapOutputRegistry::RegisterMapOutput(const v1::MapStatus& status) {
  auto it = shuffles_.find(status.shuffle_id());
  if (it == shuffles_.end() || status.map_id() < 0 ||
      status.map_id() >= static_cast<int>(it->second.size())) {
    return false;
  }
  auto lost = address_lost_at_.find(status.shuffle_address());
  if (lost != address_lost_at_.end() && status.epoch() < lost->second) return false;
  it->second[status.map_id()] = status;
  return true;
}

void MapOutputRegistry::UnregisterMapOutput(int shuffle_id, int map_id,
                                            const std::string& shuffle_address) {
  auto it = shuffles_.find(shuffle_id);
  if (it == shuffles_.end() || map_id < 0 || map_id >= static_cast<int>(it->second.size())) {
    return;
  }
  if (it->second[map_id].has_value() &&
      it->second[map_id]->shuffle_address() == shuffle_address) {
    it->second[map_id].reset();
    ++epoch_;
  }
}

int MapOutputRegistry::UnregisterExecutor(const std::string& executor_id) {
  int lost = 0;
  for (auto& [id, outputs] : shuffles_) {
    for (auto& out : outputs) {
      if (out && out->executor_id() == executor_id) {
        out.reset();
        ++lost;
      }
    }
  }
  if (lost > 0) ++epoch_;
  return lost;
}

int MapOutputRegistry::UnregisterShuffleAddress(const std::string& shuffle_address) {
  int lost = 0;
  for (auto& [id, outputs] : shuffles_) {
    for (auto& out : outputs) {
      if (out && out->shuffle_address() == shuffle_address) {
        out.reset();
        ++lost;
      }
    }
  }
  // Bumped even when nothing was registered there yet: tasks already running on that
  // host may still report outputs, which must not count.
  ++epoch_;
  address_lost_at_[shuffle_address] = epoch_;
  return lost;
}

std::vector<int> MapOutputRegistry::MissingMaps(int shuffle_id) const {
  std::vector<int> missing;
  auto it = shuffles_.find(shuffle_id);
  if (it == shuffles_.end()) return missing;
  for (size_t i = 0; i < it->second.size(); ++i) {
    if (!it->second[i]) missing.push_back(static_cast<int>(i));
  }
  return missing;
}

v1::ShuffleReadInput MapOutputRegistry::ReadInput(int shuffle_id) const {
  v1::ShuffleReadInput input;
  input.set_shuffle_id(shuffle_id);
  auto it = shuffles_.find(shuffle_id);
  if (it == shuffles_.end()) return input;
  for (const auto& out : it->second) {
    if (out) *input.add_map_statuses() = *out;
  }
  return input;
}

}  // namespace centella
