//! The log of a sequence: every call, delivery, read and close, in order.

use std::cell::RefCell;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum What {
    Start {
        was_running: bool,
    },
    Stop {
        was_running: bool,
    },
    Reset,
    Free,
    Delivery {
        count: u64,
        running: bool,
        counter_count: f64,
    },
    Created {
        stream: usize,
    },
    ReadMade {
        stream: usize,
    },
    Chunk {
        stream: usize,
        count: u64,
    },
    Closed {
        stream: usize,
    },
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    pub(crate) seq: usize,
    pub(crate) tab: usize,
    pub(crate) what: What,
}

#[derive(Default)]
pub(crate) struct Log(pub(crate) RefCell<Vec<Event>>);

impl Log {
    pub(crate) fn add(&self, tab: usize, what: What) {
        let mut events = self.0.borrow_mut();
        let seq = events.len();
        events.push(Event { seq, tab, what });
    }
}

/// The kind of counter a sequence drives, and its tabs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Worker,
    Thread,
    Shared,
}
