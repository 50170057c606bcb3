#include "installer/payload/entry_pipe.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kha::payload {
namespace {

using Kind = PipeItem::Kind;
using std::chrono_literals::operator""ms;

TEST(EntryPipe, ItemsArriveInOrderAcrossThreads) {
  ManifestEntry entry;
  entry.path = "bin/kha-proxy";
  EntryPipe pipe(1000);
  std::thread producer([&] {
    EXPECT_TRUE(pipe.Push(PipeItem::Begin(entry)));
    for (int i = 0; i < 200; ++i) EXPECT_TRUE(pipe.Push(PipeItem::Data(std::to_string(i))));
    EXPECT_TRUE(pipe.Push(PipeItem::End()));
    EXPECT_TRUE(pipe.Push(PipeItem::Finished()));
  });
  PipeItem first = pipe.Pop();
  EXPECT_EQ(first.kind, Kind::kBegin);
  EXPECT_EQ(first.entry, &entry);
  for (int i = 0; i < 200; ++i) {
    PipeItem item = pipe.Pop();
    ASSERT_EQ(item.kind, Kind::kData);
    EXPECT_EQ(item.data, std::to_string(i));
  }
  EXPECT_EQ(pipe.Pop().kind, Kind::kEnd);
  EXPECT_EQ(pipe.Pop().kind, Kind::kFinished);
  producer.join();
}

TEST(EntryPipe, PushWaitsForRoomButTakesAnOversizedItemAlone) {
  EntryPipe pipe(100);
  // Larger than the whole budget: still accepted into the empty pipe.
  EXPECT_TRUE(pipe.Push(PipeItem::Data(std::string(500, 'a'))));
  std::atomic<bool> pushed = false;
  std::thread producer([&] {
    EXPECT_TRUE(pipe.Push(PipeItem::Data("b")));
    pushed = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(pushed) << "the pipe went over its budget";
  EXPECT_EQ(pipe.Pop().data, std::string(500, 'a'));
  producer.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(pipe.Pop().data, "b");
}

TEST(EntryPipe, CloseReleasesAWaitingProducer) {
  EntryPipe pipe(100);
  EXPECT_TRUE(pipe.Push(PipeItem::Data(std::string(100, 'a'))));
  std::atomic<int> result = -1;
  std::thread producer([&] { result = pipe.Push(PipeItem::Data("b")) ? 1 : 0; });
  std::this_thread::sleep_for(20ms);
  pipe.Close();
  producer.join();
  EXPECT_EQ(result, 0);
  EXPECT_FALSE(pipe.Push(PipeItem::Finished()));
}

TEST(EntryPipe, ARaisedBudgetReleasesAWaitingProducerAndALoweredOneHoldsIt) {
  EntryPipe pipe(100);
  EXPECT_TRUE(pipe.Push(PipeItem::Data(std::string(100, 'a'))));
  std::atomic<int> pushed = 0;
  std::thread producer([&] {
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(pipe.Push(PipeItem::Data(std::string(100, 'b'))));
      ++pushed;
    }
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(pushed, 0);
  pipe.SetMaxBytes(500);  // room for two more items of 164, not three
  for (int waited = 0; pushed < 2 && waited < 200; ++waited) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(pushed, 2);
  EXPECT_EQ(pipe.QueuedBytes(), 3 * (100 + 64u));
  pipe.SetMaxBytes(100);
  // Two items out still leave more than the lowered budget queued.
  EXPECT_EQ(pipe.Pop().data, std::string(100, 'a'));
  EXPECT_EQ(pipe.Pop().data, std::string(100, 'b'));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(pushed, 2) << "the producer went over the lowered budget";
  EXPECT_EQ(pipe.Pop().data, std::string(100, 'b'));
  producer.join();
  EXPECT_EQ(pushed, 3);
}

TEST(EntryPipe, FailuresCarryTheirException) {
  EntryPipe pipe(100);
  try {
    throw std::runtime_error("entry \"a\" is sparse: refused");
  } catch (...) {
    EXPECT_TRUE(pipe.Push(PipeItem::Failed(std::current_exception())));
  }
  PipeItem item = pipe.Pop();
  ASSERT_EQ(item.kind, Kind::kFailed);
  try {
    std::rethrow_exception(item.error);
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "entry \"a\" is sparse: refused");
  }
}

TEST(EntryPipe, RecycledBuffersComeBackEmptyWithTheirCapacity) {
  EntryPipe pipe(1 << 20);
  EXPECT_TRUE(pipe.SpareBuffer().empty());
  std::string buffer(4096, 'x');
  pipe.Recycle(std::move(buffer));
  std::string spare = pipe.SpareBuffer();
  EXPECT_TRUE(spare.empty());
  EXPECT_GE(spare.capacity(), 4096u);
  EXPECT_EQ(pipe.SpareBuffer().capacity(), std::string().capacity());
}

}  // namespace
}  // namespace kha::payload
