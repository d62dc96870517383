#include "engine/memory/memory_manager.h"

#include "gtest/gtest.h"

namespace centella {
namespace {

TEST(MemoryManagerTest, ALoneTaskMayUseTheWholeBudget) {
  MemoryManager m(1000);
  EXPECT_EQ(m.Acquire("a", 600), 600);
  EXPECT_EQ(m.Acquire("a", 600), 400);  // capped by what is free
  EXPECT_EQ(m.Acquire("a", 1), 0);
  EXPECT_EQ(m.used(), 1000);
  m.Release("a", 300);
  EXPECT_EQ(m.used(), 700);
  m.ReleaseAll("a");
  EXPECT_EQ(m.used(), 0);
}

TEST(MemoryManagerTest, TasksGetAtMostTheirFairShare) {
  MemoryManager m(1000);
  EXPECT_EQ(m.Acquire("a", 300), 300);
  // Two tasks: each may hold 500.
  EXPECT_EQ(m.Acquire("b", 800), 500);
  EXPECT_EQ(m.Acquire("a", 800), 200);
  EXPECT_EQ(m.used(), 1000);
  // A third task finds nothing free until another one gives memory back.
  EXPECT_EQ(m.Acquire("c", 100), 0);
  m.ReleaseAll("b");
  EXPECT_EQ(m.Acquire("c", 400), 400);  // share is 1000/2 with a and c holding
  EXPECT_EQ(m.held_by("c"), 400);
  EXPECT_EQ(m.held_by("b"), 0);
}

TEST(MemoryManagerTest, ReleasingMoreThanHeldIsClamped) {
  MemoryManager m(100);
  EXPECT_EQ(m.Acquire("a", 50), 50);
  m.Release("a", 80);
  m.Release("nobody", 10);
  EXPECT_EQ(m.used(), 0);
}

TEST(MemoryReservationTest, GrowsByDoublingAndReturnsItsGrantWhenDestroyed) {
  MemoryManager m(1000);
  TaskMemory task(&m, "t");
  {
    MemoryReservation r(&task);
    EXPECT_TRUE(r.Ensure(100));
    EXPECT_EQ(r.held(), 100);
    EXPECT_TRUE(r.Ensure(150));  // asks for max(50, 100): holds 200
    EXPECT_EQ(r.held(), 200);
    EXPECT_TRUE(r.Ensure(900));
    EXPECT_FALSE(r.Ensure(1001));
    EXPECT_EQ(task.held(), 1000);
  }
  EXPECT_EQ(task.held(), 0);
  EXPECT_EQ(task.peak(), 1000);
  EXPECT_EQ(m.used(), 0);
}

TEST(MemoryReservationTest, TaskMemoryReleasesEverythingAtTheEnd) {
  MemoryManager m(1000);
  {
    TaskMemory task(&m, "t");
    EXPECT_EQ(task.Acquire(700), 700);
  }
  EXPECT_EQ(m.used(), 0);
}

TEST(MemoryReservationTest, WithoutAManagerEverythingIsGranted) {
  TaskMemory task(nullptr, "t");
  MemoryReservation r(&task);
  EXPECT_TRUE(r.Ensure(int64_t{1} << 40));
}

}  // namespace
}  // namespace centella
