// Set operations, keyed aggregations, joins, sorting and (re)partitioning, each against an
// independent in-test reference over random data and random partition counts (including
// empty partitions), on every master.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "tests/operators/operator_test.h"

namespace centella {
namespace {

using ShuffleOperatorsTest = OperatorTest;
using KV = std::pair<std::string, int64_t>;

template <class T>
std::vector<T> Sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// (partition, record) for every record: where each record lives.
template <class Rdd>
auto WithPartition(const Rdd& rdd) {
  using T = typename Rdd::Record;
  return rdd.map_partitions_with_index([](int p, std::vector<T>&& xs) {
    std::vector<std::pair<int, T>> out;
    for (T& x : xs) out.emplace_back(p, std::move(x));
    return out;
  });
}

TEST_P(ShuffleOperatorsTest, MapPartitionsWithIndexSeesItsIndex) {
  std::vector<int64_t> data = RandomInts(300, 1000);
  const int slices = Slices();
  auto got = WithPartition(ctx_->parallelize(data, slices)).collect();
  ASSERT_TRUE(got.ok()) << got.status();
  // parallelize cuts contiguous slices whose sizes differ by at most one.
  std::vector<std::pair<int, int64_t>> want;
  for (int p = 0; p < slices; ++p) {
    for (size_t i = data.size() * p / slices; i < data.size() * (p + 1) / slices; ++i) {
      want.emplace_back(p, data[i]);
    }
  }
  EXPECT_EQ(*got, want);
}

TEST_P(ShuffleOperatorsTest, UnionIntersectionSubtract) {
  for (int round = 0; round < 3; ++round) {
    std::vector<int64_t> a = RandomInts(300, 60), b = RandomInts(300, 60);
    auto ra = ctx_->parallelize(a, Slices()).map([](int64_t x) { return x * 2; });
    auto rb = ctx_->parallelize(b, Slices()).map([](int64_t x) { return x * 2; });
    std::vector<int64_t> a2, b2;
    for (int64_t x : a) a2.push_back(x * 2);
    for (int64_t x : b) b2.push_back(x * 2);

    auto u = ra.union_(rb);
    EXPECT_EQ(u.num_partitions(), ra.num_partitions() + rb.num_partitions());
    std::vector<int64_t> want_union = a2;
    want_union.insert(want_union.end(), b2.begin(), b2.end());
    EXPECT_EQ(*u.collect(), want_union);  // a's partitions, then b's, in order

    std::set<int64_t> sa(a2.begin(), a2.end()), sb(b2.begin(), b2.end());
    std::vector<int64_t> want_inter;
    std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(),
                          std::back_inserter(want_inter));
    auto inter = ra.intersection(rb, Slices()).collect();
    ASSERT_TRUE(inter.ok()) << inter.status();
    EXPECT_EQ(Sorted(*inter), want_inter);

    std::vector<int64_t> want_sub;  // duplicates of a kept, as in Spark
    for (int64_t x : a2) {
      if (!sb.contains(x)) want_sub.push_back(x);
    }
    auto sub = ra.subtract(rb).collect();
    ASSERT_TRUE(sub.ok()) << sub.status();
    EXPECT_EQ(Sorted(*sub), Sorted(want_sub));
  }
}

TEST_P(ShuffleOperatorsTest, CartesianPairsEverything) {
  std::vector<int64_t> a = RandomInts(40, 100);
  std::vector<std::string> b;
  for (int i = 0, n = static_cast<int>(rng_() % 30); i < n; ++i) b.push_back(std::to_string(i));
  auto ra = ctx_->parallelize(a, Slices());
  auto rb = ctx_->parallelize(b, Slices()).filter([](const std::string& s) { return s != "3"; });
  auto product = ra.cartesian(rb);
  EXPECT_EQ(product.num_partitions(), ra.num_partitions() * rb.num_partitions());
  std::vector<std::pair<int64_t, std::string>> want;
  for (int64_t x : a) {
    for (const std::string& s : b) {
      if (s != "3") want.emplace_back(x, s);
    }
  }
  auto got = product.collect();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(Sorted(*got), Sorted(want));
  EXPECT_EQ(*product.count(), static_cast<int64_t>(want.size()));
}

TEST_P(ShuffleOperatorsTest, ZipWithIndexNumbersInOrder) {
  for (int round = 0; round < 3; ++round) {
    std::vector<int64_t> data = RandomInts(500, 1000);
    auto got = ctx_->parallelize(data, Slices())
                   .filter([](int64_t x) { return x % 3 != 0; })
                   .zip_with_index()
                   .collect();
    ASSERT_TRUE(got.ok()) << got.status();
    std::vector<std::pair<int64_t, int64_t>> want;
    for (int64_t x : data) {
      if (x % 3 != 0) want.emplace_back(x, static_cast<int64_t>(want.size()));
    }
    EXPECT_EQ(*got, want);
  }
}

TEST_P(ShuffleOperatorsTest, SampleIsASeededSubset) {
  std::vector<int64_t> data(20000);
  std::iota(data.begin(), data.end(), 0);
  auto rdd = ctx_->parallelize(data, Slices());
  auto a = rdd.sample(false, 0.1, 42).collect();
  auto b = rdd.sample(false, 0.1, 42).collect();
  auto c = rdd.sample(false, 0.1, 43).collect();
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status();
  EXPECT_EQ(*a, *b);  // same seed, same sample
  EXPECT_NE(*a, *c);
  EXPECT_TRUE(std::is_sorted(a->begin(), a->end()));                         // a subsequence
  EXPECT_EQ(std::adjacent_find(a->begin(), a->end()), a->end());             // no repeats
  EXPECT_NEAR(static_cast<double>(a->size()), 2000, 6 * std::sqrt(1800.0));  // Binomial sd
  EXPECT_EQ(*rdd.sample(false, 0.0).count(), 0);
  EXPECT_EQ(*rdd.sample(false, 1.0).count(), 20000);

  auto with = rdd.sample(true, 2.5, 7).collect();
  ASSERT_TRUE(with.ok());
  EXPECT_NEAR(static_cast<double>(with->size()), 50000, 6 * std::sqrt(50000.0));  // Poisson sd
  std::map<int64_t, int> copies;
  for (int64_t x : *with) ++copies[x];
  int most = 0;
  for (const auto& [x, n] : copies) most = std::max(most, n);
  EXPECT_GE(most, 3);  // records repeat

  auto bad = rdd.sample(false, 1.5).count();
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("fraction"), absl::string_view::npos);
}

TEST_P(ShuffleOperatorsTest, FoldAggregateAndCombineByKey) {
  for (int round = 0; round < 3; ++round) {
    auto data = RandomPairs(500);
    auto rdd = ctx_->parallelize(data, Slices());
    std::map<std::string, int64_t> want_sum, want_max;
    std::map<std::string, std::pair<int64_t, int64_t>> want_sum_count;
    std::map<std::string, std::vector<int64_t>> want_lists;
    for (const auto& [k, v] : data) {
      want_sum[k] += v;
      want_max[k] = want_max.contains(k) ? std::max(want_max[k], v) : std::max<int64_t>(v, -1000);
      want_sum_count[k].first += v;
      ++want_sum_count[k].second;
      want_lists[k].push_back(v);
    }
    auto sums = rdd.fold_by_key(
                       0, [](int64_t a, int64_t b) { return a + b; }, Slices())
                    .collect();
    ASSERT_TRUE(sums.ok()) << sums.status();
    EXPECT_EQ((std::map<std::string, int64_t>(sums->begin(), sums->end())), want_sum);

    auto maxes =
        rdd.fold_by_key(-1000, [](int64_t a, int64_t b) { return std::max(a, b); }).collect();
    ASSERT_TRUE(maxes.ok());
    EXPECT_EQ((std::map<std::string, int64_t>(maxes->begin(), maxes->end())), want_max);

    using SumCount = std::pair<int64_t, int64_t>;
    auto avg =
        rdd.aggregate_by_key(
               SumCount(0, 0),
               [](SumCount acc, int64_t v) { return SumCount(acc.first + v, acc.second + 1); },
               [](SumCount a, SumCount b) {
                 return SumCount(a.first + b.first, a.second + b.second);
               },
               Slices())
            .collect();
    ASSERT_TRUE(avg.ok());
    EXPECT_EQ((std::map<std::string, SumCount>(avg->begin(), avg->end())), want_sum_count);

    // A zero that is not a plain number travels with the plan.
    auto lists = rdd.aggregate_by_key(
                        std::vector<int64_t>{},
                        [](std::vector<int64_t> acc, int64_t v) {
                          acc.push_back(v);
                          return acc;
                        },
                        [](std::vector<int64_t> a, std::vector<int64_t> b) {
                          a.insert(a.end(), b.begin(), b.end());
                          return a;
                        })
                     .map_values([](std::vector<int64_t> v) { return Sorted(std::move(v)); })
                     .collect();
    ASSERT_TRUE(lists.ok());
    for (auto& [k, v] : want_lists) v = Sorted(v);
    EXPECT_EQ((std::map<std::string, std::vector<int64_t>>(lists->begin(), lists->end())),
              want_lists);

    auto combined = rdd.combine_by_key([](int64_t v) { return SumCount(v, 1); },
                                       [](SumCount c, int64_t v) {
                                         return SumCount(c.first + v, c.second + 1);
                                       },
                                       [](SumCount a, SumCount b) {
                                         return SumCount(a.first + b.first, a.second + b.second);
                                       })
                        .collect();
    ASSERT_TRUE(combined.ok());
    EXPECT_EQ((std::map<std::string, SumCount>(combined->begin(), combined->end())),
              want_sum_count);
  }
}

TEST_P(ShuffleOperatorsTest, JoinsAndCogroup) {
  for (int round = 0; round < 3; ++round) {
    auto left = RandomPairs(120, 17);
    std::vector<std::pair<std::string, std::string>> right;
    for (int i = 0, n = static_cast<int>(rng_() % 120); i < n; ++i) {
      right.emplace_back("k" + std::to_string(rng_() % 23), "w" + std::to_string(i));
    }
    auto l = ctx_->parallelize(left, Slices());
    auto r = ctx_->parallelize(right, Slices());

    std::map<std::string, std::pair<std::vector<int64_t>, std::vector<std::string>>> groups;
    for (const auto& [k, v] : left) groups[k].first.push_back(v);
    for (const auto& [k, w] : right) groups[k].second.push_back(w);
    using Inner = std::pair<std::string, std::pair<int64_t, std::string>>;
    using Full =
        std::pair<std::string, std::pair<std::optional<int64_t>, std::optional<std::string>>>;
    std::vector<Inner> want_inner;
    std::vector<std::pair<std::string, std::pair<int64_t, std::optional<std::string>>>> want_left;
    std::vector<std::pair<std::string, std::pair<std::optional<int64_t>, std::string>>> want_right;
    std::vector<Full> want_full;
    for (const auto& [k, g] : groups) {
      for (int64_t v : g.first) {
        for (const auto& w : g.second) want_inner.push_back({k, {v, w}});
        if (g.second.empty()) want_left.push_back({k, {v, std::nullopt}});
        for (const auto& w : g.second) want_left.push_back({k, {v, w}});
      }
      for (const auto& w : g.second) {
        if (g.first.empty()) want_right.push_back({k, {std::nullopt, w}});
        for (int64_t v : g.first) want_right.push_back({k, {v, w}});
      }
      if (g.first.empty()) {
        for (const auto& w : g.second) want_full.push_back({k, {std::nullopt, w}});
      } else if (g.second.empty()) {
        for (int64_t v : g.first) want_full.push_back({k, {v, std::nullopt}});
      } else {
        for (int64_t v : g.first) {
          for (const auto& w : g.second) want_full.push_back({k, {v, w}});
        }
      }
    }
    auto inner = l.join(r, Slices()).collect();
    ASSERT_TRUE(inner.ok()) << inner.status();
    EXPECT_EQ(Sorted(*inner), Sorted(want_inner));
    auto lo = l.left_outer_join(r).collect();
    ASSERT_TRUE(lo.ok());
    EXPECT_EQ(Sorted(*lo), Sorted(want_left));
    auto ro = l.right_outer_join(r).collect();
    ASSERT_TRUE(ro.ok());
    EXPECT_EQ(Sorted(*ro), Sorted(want_right));
    auto fo = l.full_outer_join(r, Slices()).collect();
    ASSERT_TRUE(fo.ok());
    EXPECT_EQ(Sorted(*fo), Sorted(want_full));

    auto cg = l.cogroup(r).collect();
    ASSERT_TRUE(cg.ok());
    EXPECT_EQ(cg->size(), groups.size());
    for (auto& [k, g] : *cg) {
      ASSERT_TRUE(groups.contains(k)) << k;
      EXPECT_EQ(Sorted(g.first), Sorted(groups[k].first)) << k;
      EXPECT_EQ(Sorted(g.second), Sorted(groups[k].second)) << k;
    }
  }
}

TEST_P(ShuffleOperatorsTest, SortByKeyOrdersAcrossPartitions) {
  for (int round = 0; round < 4; ++round) {
    // Few distinct keys (many ties) in some rounds, many in others.
    auto data = RandomPairs(3000, round % 2 == 0 ? 7 : 1000);
    auto rdd = ctx_->parallelize(data, Slices());
    for (bool ascending : {true, false}) {
      const int n = Slices();
      auto sorted = rdd.sort_by_key(ascending, n);
      EXPECT_LE(sorted.num_partitions(), n);
      auto got = sorted.collect();
      ASSERT_TRUE(got.ok()) << got.status();
      std::vector<KV> want = data;
      std::stable_sort(want.begin(), want.end(), [ascending](const KV& a, const KV& b) {
        return ascending ? a.first < b.first : b.first < a.first;
      });
      ASSERT_EQ(got->size(), want.size());
      // Keys in order; equal keys in input order (stable).
      EXPECT_EQ(*got, want) << "ascending=" << ascending << " n=" << n;
      // The same answer again: the order does not depend on timing.
      EXPECT_EQ(*sorted.collect(), *got);
    }
  }
}

TEST_P(ShuffleOperatorsTest, SortByAFunctionAndBalancedRanges) {
  std::vector<int64_t> data = RandomInts(20000, 1000000);
  auto by_neg = ctx_->parallelize(data, Slices()).sort_by([](int64_t x) { return -x; }, true, 4);
  auto got = by_neg.collect();
  ASSERT_TRUE(got.ok()) << got.status();
  std::vector<int64_t> want = data;
  std::sort(want.begin(), want.end(), std::greater<int64_t>());
  EXPECT_EQ(*got, want);
  // Ranges from the sample give partitions of comparable size.
  auto sizes = by_neg
                   .map_partitions([](std::vector<int64_t>&& xs) {
                     return std::vector<int64_t>{static_cast<int64_t>(xs.size())};
                   })
                   .collect();
  ASSERT_TRUE(sizes.ok());
  ASSERT_EQ(sizes->size(), 4u);
  for (int64_t s : *sizes) EXPECT_GT(s, static_cast<int64_t>(data.size()) / 4 / 3) << s;
}

// Records whose key's first digit is odd go to partition 1, the others to 0.
struct ByOddDigit {
  int operator()(const std::string& k) const { return (k.back() - '0') % 2; }
};

TEST_P(ShuffleOperatorsTest, PartitionByHashRangeAndCustom) {
  auto data = RandomPairs(1000, 50);
  auto rdd = ctx_->parallelize(data, Slices());

  auto hashed = WithPartition(rdd.partition_by(5)).collect();
  ASSERT_TRUE(hashed.ok()) << hashed.status();
  std::vector<KV> all;
  for (const auto& [p, kv] : *hashed) {
    EXPECT_EQ(p, HashPartition(StableHash(kv.first), 5)) << kv.first;
    all.push_back(kv);
  }
  EXPECT_EQ(Sorted(all), Sorted(data));

  auto range = rdd.range_partitioner(4);
  ASSERT_TRUE(range.ok()) << range.status();
  auto ranged = WithPartition(rdd.partition_by(*range)).collect();
  ASSERT_TRUE(ranged.ok());
  std::map<int, std::pair<std::string, std::string>> span;  // partition -> min, max key
  for (const auto& [p, kv] : *ranged) {
    EXPECT_EQ(p, (*range)(kv.first));
    auto [it, fresh] = span.emplace(p, std::make_pair(kv.first, kv.first));
    it->second.first = std::min(it->second.first, kv.first);
    it->second.second = std::max(it->second.second, kv.first);
  }
  for (auto it = span.begin(); std::next(it) != span.end(); ++it) {
    EXPECT_LT(it->second.second, std::next(it)->second.first);  // ranges do not overlap
  }
  EXPECT_EQ(ranged->size(), data.size());

  auto custom = WithPartition(rdd.partition_by(CustomPartitioner<ByOddDigit>{2, {}})).collect();
  ASSERT_TRUE(custom.ok()) << custom.status();
  for (const auto& [p, kv] : *custom) EXPECT_EQ(p, ByOddDigit()(kv.first));
  EXPECT_EQ(custom->size(), data.size());

  // A custom partitioner answering out of range fails the job and says so.
  auto bad = rdd.partition_by(CustomPartitioner<ByOddDigit>{1, {}}).count();
  if (std::any_of(data.begin(), data.end(), [](const KV& kv) { return ByOddDigit()(kv.first); })) {
    EXPECT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find("partitioner returned partition 1"),
              absl::string_view::npos)
        << bad.status();
  }
}

TEST_P(ShuffleOperatorsTest, CoalesceAndRepartition) {
  std::vector<int64_t> data = RandomInts(2000, 100000);
  auto rdd = ctx_->parallelize(data, 9);
  for (int n : {1, 2, 4, 9, 20}) {
    auto merged = rdd.coalesce(n);
    EXPECT_EQ(merged.num_partitions(), std::min(n, 9));
    EXPECT_EQ(*merged.collect(), data) << n;  // no shuffle: order kept
  }
  for (int n : {1, 3, 16}) {
    auto spread = rdd.repartition(n);
    EXPECT_EQ(spread.num_partitions(), n);
    auto got = spread.collect();
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(Sorted(*got), Sorted(data));
    auto sizes = spread
                     .map_partitions([](std::vector<int64_t>&& xs) {
                       return std::vector<int64_t>{static_cast<int64_t>(xs.size())};
                     })
                     .collect();
    ASSERT_TRUE(sizes.ok());
    auto [lo, hi] = std::minmax_element(sizes->begin(), sizes->end());
    EXPECT_LE(*hi - *lo, 9) << n;  // round robin: off by at most one per input partition
  }
  EXPECT_EQ(rdd.coalesce(3, /*shuffle=*/true).num_partitions(), 3);
}

TEST_P(ShuffleOperatorsTest, TakeOrderedAndTop) {
  for (int round = 0; round < 3; ++round) {
    std::vector<int64_t> data = RandomInts(1000, 500);
    auto rdd = ctx_->parallelize(data, Slices());
    std::vector<int64_t> asc = Sorted(data), desc = asc;
    std::reverse(desc.begin(), desc.end());
    for (int64_t n : {0, 1, 10, 5000}) {
      size_t m = std::min<size_t>(n, data.size());
      EXPECT_EQ(*rdd.take_ordered(n), std::vector<int64_t>(asc.begin(), asc.begin() + m));
      EXPECT_EQ(*rdd.top(n), std::vector<int64_t>(desc.begin(), desc.begin() + m));
    }
    // With a comparator: by last digit, then value.
    auto by_digit = [](int64_t a, int64_t b) {
      return std::make_tuple(std::abs(a) % 10, a) < std::make_tuple(std::abs(b) % 10, b);
    };
    std::vector<int64_t> want = data;
    std::sort(want.begin(), want.end(), by_digit);
    want.resize(std::min<size_t>(7, want.size()));
    EXPECT_EQ(*rdd.take_ordered(7, by_digit), want);
  }
}

CENTELLA_ON_EVERY_MASTER(ShuffleOperatorsTest);

}  // namespace
}  // namespace centella
