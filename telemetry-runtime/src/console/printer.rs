//! [`Printer`]: the console's own thread, which renders finished traces and writes them, so
//! that the thread ending a span never formats a waterfall, takes the writer's lock or
//! waits on the terminal. Jobs go through a bounded channel; when it is full, the traces are
//! dropped and counted. Without a thread (none could be started), it writes inline.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use opentelemetry_sdk::trace::SpanData;

use super::waterfall::{Layout, render_trace};

/// Print jobs waiting for the console thread at most.
const QUEUED_JOBS: usize = 256;
/// How long a flush waits for the console thread to have written everything before it.
const FLUSH_WAIT: Duration = Duration::from_secs(5);

/// A trace, or part of one, ready to be rendered.
pub(super) struct Batch {
    pub(super) spans: Vec<SpanData>,
    pub(super) note: Option<&'static str>,
}

enum Job {
    Print(Vec<Batch>, Option<String>),
    /// Answered once everything sent before is written: the first write error since the
    /// last flush, if any.
    Flush(SyncSender<Option<String>>),
}

/// Renders and writes on its own thread.
pub(super) struct Printer {
    jobs: Option<SyncSender<Job>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// The writer itself when no thread could be started.
    inline: Mutex<Option<Writing>>,
    /// Spans of traces that could not be queued for printing.
    pub(super) dropped: Arc<AtomicU64>,
}

/// The writer and what the thread needs to use it.
struct Writing {
    writer: Box<dyn Write + Send>,
    layout: Layout,
    error: Option<String>,
}

impl Writing {
    fn print(&mut self, batches: &[Batch], footer: Option<&str>) {
        let mut text = String::new();
        for batch in batches {
            text.push_str(&render_trace(&batch.spans, batch.note, &self.layout));
            text.push('\n');
        }
        if let Some(footer) = footer {
            text.push_str(footer);
        }
        if text.is_empty() {
            return;
        }
        let written = self
            .writer
            .write_all(text.as_bytes())
            .and_then(|()| self.writer.flush());
        if let Err(e) = written {
            self.error.get_or_insert_with(|| e.to_string());
        }
    }

    fn run(mut self, jobs: Receiver<Job>) {
        for job in jobs {
            match job {
                Job::Print(batches, footer) => self.print(&batches, footer.as_deref()),
                Job::Flush(ack) => {
                    let _ = ack.send(self.error.take());
                }
            }
        }
    }
}

impl Printer {
    pub(super) fn new(writer: Box<dyn Write + Send>, layout: Layout) -> Self {
        let writing = Writing {
            writer,
            layout,
            error: None,
        };
        let (jobs, receiver) = mpsc::sync_channel(QUEUED_JOBS);
        // The writer moves into the thread; if the thread cannot start it comes back.
        let slot = Arc::new(Mutex::new(Some(writing)));
        let taken = Arc::clone(&slot);
        let spawned = std::thread::Builder::new()
            .name("telemetry-console".to_owned())
            .spawn(move || {
                let writing = taken.lock().unwrap_or_else(PoisonError::into_inner).take();
                if let Some(writing) = writing {
                    writing.run(receiver);
                }
            });
        match spawned {
            Ok(thread) => Printer {
                jobs: Some(jobs),
                thread: Mutex::new(Some(thread)),
                inline: Mutex::new(None),
                dropped: Arc::new(AtomicU64::new(0)),
            },
            Err(_) => Printer {
                jobs: None,
                thread: Mutex::new(None),
                inline: Mutex::new(slot.lock().unwrap_or_else(PoisonError::into_inner).take()),
                dropped: Arc::new(AtomicU64::new(0)),
            },
        }
    }

    /// Hands `batches` to the console thread without waiting; drops and counts their spans
    /// when it is behind.
    pub(super) fn print(&self, batches: Vec<Batch>) {
        let Some(jobs) = &self.jobs else {
            // The error stays for the next flush to report.
            let _ = self.print_inline(&batches, None, false);
            return;
        };
        let spans: usize = batches.iter().map(|b| b.spans.len()).sum();
        match jobs.try_send(Job::Print(batches, None)) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(spans as u64, Ordering::Relaxed);
            }
        }
    }

    /// Prints `batches` and `footer`, and waits until everything handed over before is
    /// written; the first write error since the last flush, if any.
    pub(super) fn print_and_wait(
        &self,
        batches: Vec<Batch>,
        footer: Option<String>,
    ) -> Result<(), String> {
        let Some(jobs) = &self.jobs else {
            return self.print_inline(&batches, footer.as_deref(), true);
        };
        let (ack, done) = mpsc::sync_channel(1);
        if jobs.send(Job::Print(batches, footer)).is_err() || jobs.send(Job::Flush(ack)).is_err() {
            return Err("the console thread has stopped".to_owned());
        }
        match done.recv_timeout(FLUSH_WAIT) {
            Ok(None) => Ok(()),
            Ok(Some(error)) => Err(error),
            Err(_) => Err(format!(
                "the console did not finish writing within {} s",
                FLUSH_WAIT.as_secs()
            )),
        }
    }

    fn print_inline(
        &self,
        batches: &[Batch],
        footer: Option<&str>,
        flush: bool,
    ) -> Result<(), String> {
        let mut inline = self.inline.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(writing) = inline.as_mut() else {
            return Ok(());
        };
        writing.print(batches, footer);
        match flush.then(|| writing.error.take()).flatten() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        // The thread ends once the channel is closed and everything queued is written.
        drop(self.jobs.take());
        let thread = self
            .thread
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}
