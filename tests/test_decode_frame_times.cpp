#include "vidsplit/frame.hpp"

#include <doctest/doctest.h>

using namespace vidsplit;

TEST_CASE("vidsplit::FrameTimes") {
  SUBCASE("constant rate is one run") {
    FrameTimes t({1, 25});
    for (int i = 0; i < 100; ++i) t.push(i);
    t.set_end(100);
    CHECK(t.size() == 100);
    CHECK(t.runs().size() == 1);
    CHECK(t.pts(37) == 37);
    CHECK(t.seconds(50) == doctest::Approx(2.0));
    CHECK(t.seconds(100) == doctest::Approx(4.0));  // end time
    CHECK(t.frame_at_or_after(1.99) == 50);
    CHECK(t.frame_at_or_after(2.0) == 50);
    CHECK(t.frame_at_or_after(99.0) == 100);
  }
  SUBCASE("variable rate keeps every timestamp") {
    FrameTimes t({1, 1000});
    const int64_t pts[] = {40, 80, 120, 300, 400, 401, 1000};
    for (int64_t p : pts) t.push(p);
    t.set_end(1040);
    for (int i = 0; i < 7; ++i) CHECK(t.pts(i) == pts[i]);
    CHECK(t.first_pts() == 40);
    CHECK(t.seconds(3) == doctest::Approx(0.3));
    CHECK(t.frame_at_or_after(0.35) == 4);
    const FrameTimes copy = FrameTimes::from_runs(t.time_base(), t.first_pts(), t.size(), t.runs(), t.end_pts());
    for (int i = 0; i <= 7; ++i) CHECK(copy.pts(i) == t.pts(i));
  }
}
