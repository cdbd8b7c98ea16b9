//! A counting global allocator for the no-allocation tests: it counts every allocation
//! and delegates to the system allocator. Each test binary that proves a path allocates
//! nothing includes this one file:
//!
//! ```ignore
//! #[path = "support/counting_alloc.rs"]
//! mod counting_alloc;
//! ```
#![allow(unsafe_code)] // a global allocator needs `unsafe impl`; it only counts and delegates.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts allocations, then lets [`System`] do them.
pub struct Counting;

thread_local! {
    // Per thread: the test harness's own threads (its timer prints "has been running for
    // over 60 seconds" on a loaded machine, and that allocates) never count against the
    // thread under test. `const` and `Cell<usize>`: no lazy initialisation and no
    // destructor, so reading it from inside the allocator allocates nothing.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed unchanged to `System`, which upholds the contract.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made so far by the calling thread (the negotiations under test run on it).
pub fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}
