#include "engine/kafka/kafka_consumer_pool.h"

#include <librdkafka/rdkafka.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace centella {

KafkaConsumerPool& KafkaConsumerPool::Get() {
  // Never destroyed: tasks may still hold leases while the process exits.
  static auto* pool = new KafkaConsumerPool();
  return *pool;
}

absl::StatusOr<KafkaConsumerPool::Lease> KafkaConsumerPool::Borrow(
    const std::map<std::string, std::string>& settings) {
  std::string key;
  for (const auto& [k, v] : settings) absl::StrAppend(&key, k, "=", v, "\n");
  auto give_back = [this, key](rd_kafka_s* rk) { GiveBack(key, rk); };
  {
    absl::MutexLock lock(&mu_);
    auto it = idle_.find(key);
    if (it != idle_.end() && !it->second.empty()) {
      rd_kafka_s* rk = it->second.back();
      it->second.pop_back();
      ++reused_;
      return Lease(rk, give_back);
    }
  }
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(absl::StrCat("Kafka setting ", k, "=", v, ": ", err));
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("cannot create a Kafka consumer: ", err));
  }
  absl::MutexLock lock(&mu_);
  ++created_;
  return Lease(rk, give_back);
}

void KafkaConsumerPool::GiveBack(const std::string& key, rd_kafka_s* rk) {
  {
    absl::MutexLock lock(&mu_);
    std::vector<rd_kafka_s*>& idle = idle_[key];
    if (idle.size() < kMaxIdlePerKey) {
      idle.push_back(rk);
      return;
    }
  }
  rd_kafka_destroy(rk);
}

int KafkaConsumerPool::created() const {
  absl::MutexLock lock(&mu_);
  return created_;
}

int KafkaConsumerPool::reused() const {
  absl::MutexLock lock(&mu_);
  return reused_;
}

}  // namespace centella
