// nn/parallel.h: the threads of one forward pass, their count chosen by the
// caller (per call, never a process-wide setting).
//
//   nn::Team team(threads);                  // for one forward pass
//   team.parallel_for(n, grain, [&](int begin, int end, int worker) { ... });
//
// parallel_for cuts [0, n) into chunks (multiples of grain) that the calling
// thread and the team's helpers take one at a time, and returns when every
// chunk has run. Chunks are taken, not assigned: when a helper is slow to
// start (another process holds its core) the caller runs the chunks itself
// instead of waiting for it, so a busy machine costs speed, never a stall
// at a barrier. The helpers are a pool shared by the process, started once;
// between chunks they spin briefly, then sleep. One Team holds the pool at a
// time: a Team made while another holds it runs on the caller alone.
#pragma once

namespace promptlist::nn {

class Team {
 public:
  // A chunk's function, called through a pointer (no std::function: no allocation per call).
  using Call = void (*)(const void* fn, int begin, int end, int worker);

  // threads <= 0: one per core.
  explicit Team(int threads);
  ~Team();
  Team(const Team&) = delete;
  Team& operator=(const Team&) = delete;

  // The threads that may run chunks: the caller and its helpers.
  int size() const { return size_; }

  // fn(begin, end, worker) for chunks [begin, end) covering [0, n);
  // worker in [0, size()) tells apart the threads that run at the same time
  // (for per-thread scratch). fn must not throw.
  template <class Fn>
  void parallel_for(int n, int grain, const Fn& fn) {
    run(n, grain, [](const void* f, int begin, int end, int worker) { (*static_cast<const Fn*>(f))(begin, end, worker); },
        &fn);
  }

 private:
  void run(int n, int grain, Call call, const void* fn);

  int size_ = 1;
  bool holds_pool_ = false;
};

}  // namespace promptlist::nn
