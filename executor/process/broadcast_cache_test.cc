// BroadcastCache over a FakeBroadcastFetcher: one fetch per process however many tasks
// ask at once, every piece and the whole value checked, failures not cached, destroyed
// broadcasts refused by id.
#include "executor/process/broadcast_cache.h"

#include <xxhash.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "common/serde/serde.h"
#include "executor/process/fake_broadcast_fetcher.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using Table = std::vector<int64_t>;

std::atomic<int> decodes{0};

absl::StatusOr<std::shared_ptr<const void>> DecodeTable(std::string_view bytes) {
  ++decodes;
  auto t = std::make_shared<Table>();
  absl::Status s = DeserializeFromString(bytes, t.get());
  if (!s.ok()) return s;
  return std::shared_ptr<const void>(std::move(t));
}

// A table of `n` random numbers, put into `fetcher` as broadcast `id`; its handle.
BroadcastRef PutTable(FakeBroadcastFetcher& fetcher, int64_t id, int n, Table* table) {
  std::mt19937_64 rng(id);
  table->resize(n);
  for (int64_t& x : *table) x = static_cast<int64_t>(rng());
  std::string bytes = SerializeToString(*table);
  BroadcastRef ref{id, bytes.size(), XXH3_64bits(bytes.data(), bytes.size())};
  fetcher.Put(id, std::move(bytes));
  return ref;
}

const Table& AsTable(const std::shared_ptr<const void>& v) {
  return *static_cast<const Table*>(v.get());
}

TEST(BroadcastCacheTest, ConcurrentTasksShareOneFetchAndOneDecode) {
  FakeBroadcastFetcher fetcher(/*piece_bytes=*/4096);
  Table want;
  BroadcastRef ref = PutTable(fetcher, 7, 50000, &want);  // ~450 KB, ~110 pieces
  fetcher.set_delay(absl::Milliseconds(50));              // everyone arrives mid-fetch
  BroadcastCache cache(&fetcher);
  decodes = 0;

  constexpr int kTasks = 16;
  std::vector<std::shared_ptr<const void>> got(kTasks);
  std::vector<std::thread> tasks;
  for (int i = 0; i < kTasks; ++i) {
    tasks.emplace_back([&, i] {
      absl::StatusOr<std::shared_ptr<const void>> v = cache.Get(ref, &DecodeTable);
      ASSERT_TRUE(v.ok()) << v.status();
      got[i] = *v;
    });
  }
  for (auto& t : tasks) t.join();
  EXPECT_EQ(fetcher.fetches(), 1);
  EXPECT_EQ(decodes.load(), 1);
  for (const auto& v : got) {
    EXPECT_EQ(v.get(), got[0].get()) << "every task reads the same object";
  }
  EXPECT_EQ(AsTable(got[0]), want);
  // Later tasks are served from the cache.
  ASSERT_TRUE(cache.Get(ref, &DecodeTable).ok());
  EXPECT_EQ(fetcher.fetches(), 1);
  BroadcastCache::Stats stats = cache.stats();
  EXPECT_EQ(stats.fetches, 1);
  EXPECT_EQ(stats.bytes_fetched, static_cast<int64_t>(ref.size));
  EXPECT_EQ(stats.cached, 1);
}

TEST(BroadcastCacheTest, CorruptPieceIsDataLossAndIsNotCached) {
  FakeBroadcastFetcher fetcher(1000);
  Table want;
  BroadcastRef ref = PutTable(fetcher, 1, 5000, &want);
  fetcher.CorruptPiece(3);
  BroadcastCache cache(&fetcher);
  absl::StatusOr<std::shared_ptr<const void>> v = cache.Get(ref, &DecodeTable);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kDataLoss) << v.status();
  EXPECT_NE(v.status().message().find("piece 3"), std::string_view::npos) << v.status();
  // The next task fetches again and succeeds.
  fetcher.CorruptPiece(-1);
  v = cache.Get(ref, &DecodeTable);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(AsTable(*v), want);
  EXPECT_EQ(fetcher.fetches(), 2);
  EXPECT_EQ(cache.stats().failed_fetches, 1);
}

TEST(BroadcastCacheTest, ValueNotMatchingTheHandleIsDataLoss) {
  FakeBroadcastFetcher fetcher;
  Table want;
  BroadcastRef ref = PutTable(fetcher, 2, 100, &want);
  BroadcastCache cache(&fetcher);
  BroadcastRef wrong_sum = ref;
  wrong_sum.checksum ^= 1;
  absl::StatusOr<std::shared_ptr<const void>> v = cache.Get(wrong_sum, &DecodeTable);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kDataLoss) << v.status();
  BroadcastRef wrong_size = ref;
  wrong_size.size += 1;
  v = cache.Get(wrong_size, &DecodeTable);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kDataLoss) << v.status();
}

TEST(BroadcastCacheTest, FetchErrorsReachEveryWaiterAndAreRetriedLater) {
  FakeBroadcastFetcher fetcher;
  Table want;
  BroadcastRef ref = PutTable(fetcher, 3, 100, &want);
  fetcher.FailWith(absl::UnavailableError("driver gone"));
  fetcher.set_delay(absl::Milliseconds(30));
  BroadcastCache cache(&fetcher);
  std::vector<std::thread> tasks;
  std::atomic<int> failed{0};
  for (int i = 0; i < 4; ++i) {
    tasks.emplace_back([&] {
      if (cache.Get(ref, &DecodeTable).status().code() == absl::StatusCode::kUnavailable) ++failed;
    });
  }
  for (auto& t : tasks) t.join();
  EXPECT_EQ(failed.load(), 4);
  fetcher.FailWith(absl::OkStatus());
  EXPECT_TRUE(cache.Get(ref, &DecodeTable).ok());
}

TEST(BroadcastCacheTest, RemovedBroadcastFailsNamingItsIdButHoldersKeepTheValue) {
  FakeBroadcastFetcher fetcher;
  Table want;
  BroadcastRef ref = PutTable(fetcher, 42, 1000, &want);
  BroadcastCache cache(&fetcher);
  absl::StatusOr<std::shared_ptr<const void>> held = cache.Get(ref, &DecodeTable);
  ASSERT_TRUE(held.ok());
  cache.Remove({42});
  EXPECT_EQ(cache.stats().cached, 0);
  absl::StatusOr<std::shared_ptr<const void>> v = cache.Get(ref, &DecodeTable);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(v.status().message().find("broadcast 42 was destroyed"), std::string_view::npos)
      << v.status();
  EXPECT_EQ(AsTable(*held), want) << "a running task keeps what it already read";
  EXPECT_EQ(fetcher.fetches(), 1) << "a destroyed broadcast is not fetched again";
}

TEST(BroadcastCacheTest, BroadcastDestroyedDuringItsFetchIsNotKept) {
  FakeBroadcastFetcher fetcher;
  Table want;
  BroadcastRef ref = PutTable(fetcher, 5, 1000, &want);
  fetcher.set_delay(absl::Milliseconds(100));
  BroadcastCache cache(&fetcher);
  std::thread task([&] {
    absl::StatusOr<std::shared_ptr<const void>> v = cache.Get(ref, &DecodeTable);
    EXPECT_EQ(v.status().code(), absl::StatusCode::kFailedPrecondition) << v.status();
  });
  absl::SleepFor(absl::Milliseconds(30));
  cache.Remove({5});
  task.join();
  EXPECT_EQ(cache.stats().cached, 0);
}

}  // namespace
}  // namespace centella
