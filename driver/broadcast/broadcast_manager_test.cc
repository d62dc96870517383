// BroadcastManager as a cluster driver uses it: values are served in checksummed pieces
// that reassemble to the bytes the handle describes, fetches are counted per executor,
// and destroy frees both the object and its serialized form.
#include "driver/broadcast/broadcast_manager.h"

#include <xxhash.h>

#include <atomic>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace centella {
namespace {

// A value that counts its live instances, to see the driver's copy freed.
std::atomic<int> live_payloads{0};
struct Payload {
  Payload() { ++live_payloads; }
  Payload(const Payload& o) : data(o.data) { ++live_payloads; }
  Payload(Payload&& o) noexcept : data(std::move(o.data)) { ++live_payloads; }
  ~Payload() { --live_payloads; }
  std::vector<int64_t> data;
  CENTELLA_FIELDS(data)
};

absl::StatusOr<std::shared_ptr<const void>> NoDecode(std::string_view) {
  return absl::InternalError("the driver never decodes");
}

TEST(BroadcastManagerTest, ServesCheckedPiecesAndCountsFetchesPerExecutor) {
  BroadcastManager manager(/*serialize=*/true, /*piece_bytes=*/1000);
  std::vector<int64_t> data(10000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<int64_t>(i * i);
  BroadcastRef ref = manager.Add(data);
  const std::string want = SerializeToString(data);
  EXPECT_EQ(ref.size, want.size());
  EXPECT_EQ(ref.checksum, XXH3_64bits(want.data(), want.size()));

  for (const char* executor : {"1", "2", "2"}) {
    std::string got;
    int pieces = 0;
    absl::Status s = manager.Serve(ref.id, executor, [&](const v1::BroadcastPiece& p) {
      EXPECT_EQ(p.index(), pieces);
      EXPECT_EQ(p.offset(), static_cast<int64_t>(got.size()));
      EXPECT_LE(p.data().size(), 1000u);
      EXPECT_EQ(p.checksum(), XXH3_64bits(p.data().data(), p.data().size()));
      EXPECT_EQ(p.num_pieces(), static_cast<int>((want.size() + 999) / 1000));
      got += p.data();
      ++pieces;
      return true;
    });
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(got, want);
  }
  BroadcastManager::Stats stats = manager.stats();
  EXPECT_EQ(stats.fetches, 3);
  EXPECT_EQ(stats.fetches_by_executor, (std::map<std::string, int64_t>{{"1", 1}, {"2", 2}}));
  EXPECT_EQ(stats.bytes_served, static_cast<int64_t>(3 * want.size()));
  EXPECT_EQ(stats.serialized_bytes, static_cast<int64_t>(want.size()));
  EXPECT_EQ(stats.live, 1);
}

TEST(BroadcastManagerTest, AReceiverThatGoesAwayEndsTheFetch) {
  BroadcastManager manager(true, 10);
  BroadcastRef ref = manager.Add(std::string(1000, 'x'));
  int written = 0;
  EXPECT_TRUE(
      manager.Serve(ref.id, "1", [&](const v1::BroadcastPiece&) { return ++written < 3; }).ok());
  EXPECT_EQ(written, 3);
}

TEST(BroadcastManagerTest, DestroyFreesTheValueAndItsBytesAndLaterUseNamesTheId) {
  BroadcastManager manager(true, 1 << 20);
  live_payloads = 0;
  Payload p;
  p.data.assign(200000, 7);
  BroadcastRef ref = manager.Add(std::move(p));
  EXPECT_EQ(live_payloads.load(), 2);  // `p` (moved from) and the driver's copy
  EXPECT_GT(manager.stats().serialized_bytes, 200000);
  ASSERT_TRUE(manager.Get(ref, &NoDecode).ok());

  ASSERT_TRUE(manager.Destroy(ref.id).ok());
  EXPECT_EQ(live_payloads.load(), 1) << "the driver's copy must be freed";
  EXPECT_EQ(manager.stats().serialized_bytes, 0);
  EXPECT_EQ(manager.stats().live, 0);
  EXPECT_TRUE(manager.Destroy(ref.id).ok()) << "destroying twice is fine";

  absl::StatusOr<std::shared_ptr<const void>> v = manager.Get(ref, &NoDecode);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(v.status().message().find(absl::StrCat("broadcast ", ref.id, " was destroyed")),
            std::string_view::npos)
      << v.status();
  absl::Status s = manager.Serve(ref.id, "1", [](const v1::BroadcastPiece&) { return true; });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(manager.Serve(99, "1", [](const v1::BroadcastPiece&) { return true; }).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(manager.Destroy(99).code(), absl::StatusCode::kNotFound);
}

TEST(BroadcastManagerTest, LocalModeKeepsNoBytesAndServesTheObjectItself) {
  BroadcastManager manager(/*serialize=*/false, 1 << 20);
  BroadcastRef ref = manager.Add(std::vector<int64_t>(100000, 3));
  EXPECT_EQ(ref.size, 0u);
  EXPECT_EQ(manager.stats().serialized_bytes, 0);
  absl::StatusOr<std::shared_ptr<const void>> a = manager.Get(ref, &NoDecode);
  absl::StatusOr<std::shared_ptr<const void>> b = manager.Get(ref, &NoDecode);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
}

}  // namespace
}  // namespace centella
