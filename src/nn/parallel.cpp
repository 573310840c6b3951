#include "nn/parallel.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace promptlist::nn {

namespace {

using Clock = std::chrono::steady_clock;

// How long an idle helper spins (checking for work) before it sleeps: the
// gaps between the products of a forward pass, and between the forward
// passes of one batch loop, are microseconds; a futex wake-up costs tens.
constexpr auto kSpin = std::chrono::microseconds(300);

// The job being run, and its chunks, in one 64-bit word so that taking a
// chunk is one compare-and-swap that also checks the job is still the same:
// generation (32 bits) | chunk count (16) | next chunk (16).
constexpr std::uint64_t kMaxChunks = 0xFFFF;
std::uint64_t ticket(std::uint64_t generation, std::uint64_t chunks, std::uint64_t next) {
  return generation << 32 | chunks << 16 | next;
}
std::uint64_t generation_of(std::uint64_t t) { return t >> 32; }
std::uint64_t chunks_of(std::uint64_t t) { return t >> 16 & 0xFFFF; }
std::uint64_t next_of(std::uint64_t t) { return t & 0xFFFF; }

class Pool {
 public:
  static Pool& get() {
    static Pool* pool = new Pool;  // never destroyed: helpers may still be spinning at exit
    return *pool;
  }

  std::atomic<bool> busy{false};  // set while a Team uses the pool

  // Called by the owner only: makes sure `helpers` helper threads exist.
  void ensure(int helpers) {
    while (static_cast<int>(threads_.size()) < helpers) {
      const int index = static_cast<int>(threads_.size());
      threads_.emplace_back([this, index] { helper(index); });
      threads_.back().detach();
    }
  }

  // Called by the owner only: runs the job on it and up to `helpers` helpers.
  void run(int n, int grain, int helpers, Team::Call call, const void* fn) {
    const int units = (n + grain - 1) / grain;
    const int chunks = std::min<int>(units, std::min<int>(kMaxChunks, 4 * (helpers + 1)));
    unit_grain_.store(grain, std::memory_order_relaxed);
    units_.store(units, std::memory_order_relaxed);
    n_.store(n, std::memory_order_relaxed);
    call_.store(call, std::memory_order_relaxed);
    fn_.store(fn, std::memory_order_relaxed);
    helpers_.store(helpers, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    const std::uint64_t generation = ++generation_;
    ticket_.store(ticket(generation, chunks, 0), std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      wake_.fetch_add(1, std::memory_order_seq_cst);
      wake_.notify_all();
    }
    const std::uint64_t t = ticket(generation, chunks, 0);
    work(t, 0);
    // Chunks a helper took and still runs: wait for them (yielding now and
    // then, in case that helper shares this core).
    for (int spins = 0; done_.load(std::memory_order_acquire) < chunks; ++spins) {
      _mm_pause();
      if (spins % 1024 == 1023) std::this_thread::yield();
    }
  }

 private:
  std::vector<std::thread> threads_;
  std::uint64_t generation_ = 0;  // owner only
  std::atomic<std::uint64_t> ticket_{0};
  std::atomic<int> done_{0};
  std::atomic<int> unit_grain_{1}, units_{0}, n_{0}, helpers_{0};
  std::atomic<Team::Call> call_{nullptr};
  std::atomic<const void*> fn_{nullptr};
  std::atomic<int> sleepers_{0};
  std::atomic<std::uint32_t> wake_{0};

  // Takes and runs chunks of the job of ticket `seen` until none is left or
  // the job is another one. The job's fields are read before each chunk is
  // taken; a successful compare-and-swap on the same generation proves the
  // job was still running, so they were its fields (a new job is set up
  // only after every chunk of the last one is done).
  void work(std::uint64_t seen, int worker) {
    for (;;) {
      const int units = units_.load(std::memory_order_relaxed), grain = unit_grain_.load(std::memory_order_relaxed);
      const int n = n_.load(std::memory_order_relaxed);
      const Team::Call call = call_.load(std::memory_order_relaxed);
      const void* fn = fn_.load(std::memory_order_relaxed);
      std::uint64_t t = ticket_.load(std::memory_order_acquire);
      do {
        if (generation_of(t) != generation_of(seen) || next_of(t) >= chunks_of(t)) return;
      } while (!ticket_.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel));
      const int chunk = static_cast<int>(next_of(t)), chunks = static_cast<int>(chunks_of(t));
      const int begin = static_cast<int>(static_cast<long long>(units) * chunk / chunks) * grain;
      const int end = static_cast<int>(static_cast<long long>(units) * (chunk + 1) / chunks) * grain;
      call(fn, begin, std::min(end, n), worker);
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void helper(int index) {
    std::uint64_t last = 0;
    for (;;) {
      const std::uint64_t t = wait_for_job(last);
      last = generation_of(t);
      if (index < helpers_.load(std::memory_order_relaxed)) work(t, index + 1);
    }
  }

  // Spins for kSpin, then sleeps, until a job newer than generation `last` is published.
  std::uint64_t wait_for_job(std::uint64_t last) {
    const auto until = Clock::now() + kSpin;
    for (int spins = 0;; ++spins) {
      const std::uint64_t t = ticket_.load(std::memory_order_acquire);
      if (generation_of(t) != last) return t;
      _mm_pause();
      if (spins % 256 == 255 && Clock::now() > until) break;
    }
    for (;;) {
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      const std::uint32_t w = wake_.load(std::memory_order_seq_cst);
      const std::uint64_t t = ticket_.load(std::memory_order_seq_cst);
      if (generation_of(t) == last) wake_.wait(w, std::memory_order_seq_cst);
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      if (generation_of(t) != last) return t;
      const std::uint64_t now = ticket_.load(std::memory_order_acquire);
      if (generation_of(now) != last) return now;
    }
  }
};

}  // namespace

Team::Team(int threads) {
  const int wanted = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (wanted <= 1) return;
  Pool& pool = Pool::get();
  if (pool.busy.exchange(true, std::memory_order_acquire)) return;  // another forward pass has the helpers: run alone
  holds_pool_ = true;
  size_ = std::min(wanted, 64);
  pool.ensure(size_ - 1);
}

Team::~Team() {
  if (holds_pool_) Pool::get().busy.store(false, std::memory_order_release);
}

void Team::run(int n, int grain, Call call, const void* fn) {
  if (n <= 0) return;
  grain = std::max(grain, 1);
  if (size_ <= 1 || n <= grain) {
    call(fn, 0, n, 0);
    return;
  }
  Pool::get().run(n, grain, size_ - 1, call, fn);
}

}  // namespace promptlist::nn
