//! Helpers shared by the integration tests (a module, not a test target of its own).

use std::io;
use std::sync::{Arc, Mutex};

/// Runs `f` with this thread's `tracing` output captured (messages only, one per line).
pub fn logs_of<R>(f: impl FnOnce() -> R) -> (R, String) {
    struct Writer(Arc<Mutex<Vec<u8>>>);
    impl io::Write for Writer {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buffer);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || Writer(Arc::clone(&sink)))
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .with_level(false)
        .finish();
    let result = {
        let _guard = tracing_subscriber::util::SubscriberInitExt::set_default(subscriber);
        f()
    };
    let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
    (
        result,
        text.lines().map(str::trim).collect::<Vec<_>>().join("\n"),
    )
}
