// A blocking FIFO with a capacity, for handing decoded pages from the reader to the workers.
// Push blocks while full (this is what keeps memory flat); Pop blocks while empty and returns
// nullopt once the queue is closed and drained. TryPush and PushAlways let a producer that must
// not wait (a scanner) hand over light items instead when the queue is full.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace chartscan::pipeline {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity ? capacity : 1) {}

  // Returns false (dropping the item) if the queue was closed.
  bool Push(T item) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Pushes only if there is room now; false (keeping the item) when full or closed.
  bool TryPush(T& item) {
    std::lock_guard lock(mu_);
    if (closed_ || items_.size() >= capacity_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Pushes whatever the capacity, for items that are cheap to hold (a reference to work rather
  // than the work's data). Returns false (dropping the item) if the queue was closed.
  bool PushAlways(T item) {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  std::optional<T> Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace chartscan::pipeline
