//! Helpers shared by the integration tests (a module, not a test target of its own).

#![allow(dead_code, unused_macros)]

use std::any::Any;
use std::io;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use registry_core::{BuildError, DefaultScope};

/// The link a not-found error ends with.
pub const NOT_FOUND_HELP: &str = "More details can be found at \
    https://mmengine.readthedocs.io/en/latest/advanced_tutorials/config.html#import-the-custom-module";

/// The error of a build that must fail.
pub fn build_error<T: ?Sized>(result: Result<Box<T>, BuildError>) -> BuildError {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(error) => error,
    }
}

/// The message of a build that must fail.
pub fn error_text<T: ?Sized>(result: Result<Box<T>, BuildError>) -> String {
    build_error(result).to_string()
}

/// The name of this thread's current default scope.
pub fn current_scope_name() -> Option<String> {
    DefaultScope::get_current_instance().map(|scope| scope.scope_name().to_owned())
}

/// The line number of the one line of `source` that starts (after indentation) with
/// `prefix`; `source` is a test file's text, from `include_str!`.
pub fn line_of(source: &str, prefix: &str) -> u32 {
    let lines: Vec<usize> = source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with(prefix))
        .map(|(index, _)| index + 1)
        .collect();
    assert_eq!(lines.len(), 1, "{prefix:?} must start exactly one line");
    u32::try_from(lines[0]).unwrap()
}

/// A fresh directory `registry-test-{test}-{tag}-…` under the system's temp dir.
pub fn temp_dir(test: &str, tag: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "registry-test-{test}-{tag}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `f` on a new thread named `name` (with `stack` bytes of stack when given) and
/// returns its result, passing its panic on; fails if it does not answer within `timeout`
/// (a hang or a deadlock).
pub fn on_thread<R: Send + 'static>(
    name: &str,
    stack: Option<usize>,
    timeout: Duration,
    f: impl FnOnce() -> R + Send + 'static,
) -> R {
    let (sender, receiver) = mpsc::channel();
    let mut builder = thread::Builder::new().name(name.to_owned());
    if let Some(stack) = stack {
        builder = builder.stack_size(stack);
    }
    builder
        .spawn(move || {
            let _ = sender.send(catch_unwind(AssertUnwindSafe(f)));
        })
        .unwrap();
    match receiver.recv_timeout(timeout) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => resume_unwind(panic),
        Err(RecvTimeoutError::Timeout) => {
            panic!("{name}: no answer within {timeout:?}: a hang or a deadlock")
        }
        Err(RecvTimeoutError::Disconnected) => panic!("{name}: the thread ended without answering"),
    }
}

/// The message of a panic payload, when it is a string.
pub fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
}

/// Implements `Managed` for each `$ty`, named by its `name` field.
macro_rules! managed_by_name {
    ($($ty:ident),* $(,)?) => {$(
        impl ::registry_core::Managed for $ty {
            fn manager() -> &'static ::registry_core::InstanceManager<Self> {
                static MANAGER: ::registry_core::InstanceManager<$ty> =
                    ::registry_core::InstanceManager::new();
                &MANAGER
            }

            fn instance_name(&self) -> &str {
                &self.name
            }
        }
    )*};
}
#[allow(unused_imports, reason = "not every test declares managed types")]
pub(crate) use managed_by_name;

// MMEngine's DOGS tree, declared alike by several tests:
//
//        Hierarchical Registry
//                           DOGS
//                      _______|_______
//                     |               |
//            HOUNDS (hound)          SAMOYEDS (samoyed)
//           _______|_______                |
//          |               |               |
//     LITTLE_HOUNDS    MID_HOUNDS   LITTLE_SAMOYEDS
//     (little_hound)   (mid_hound)  (little_samoyed)
/// What the DOGS tree builds.
pub type Object = dyn Any + Send + Sync;

/// Declares the DOGS tree: six `Registry<Object>` statics, named as drawn.
macro_rules! dogs_tree {
    () => {
        ::registry_core::registry! {
            static DOGS: ::registry_core::Registry<crate::support::Object> =
                ::registry_core::Registry::new("dogs");
            static HOUNDS: ::registry_core::Registry<crate::support::Object> =
                ::registry_core::Registry::new("hounds").with_parent(&DOGS).with_scope("hound");
            static LITTLE_HOUNDS: ::registry_core::Registry<crate::support::Object> =
                ::registry_core::Registry::new("little hounds")
                    .with_parent(&HOUNDS)
                    .with_scope("little_hound");
            static MID_HOUNDS: ::registry_core::Registry<crate::support::Object> =
                ::registry_core::Registry::new("mid hounds")
                    .with_parent(&HOUNDS)
                    .with_scope("mid_hound");
            static SAMOYEDS: ::registry_core::Registry<crate::support::Object> =
                ::registry_core::Registry::new("samoyeds").with_parent(&DOGS).with_scope("samoyed");
            static LITTLE_SAMOYEDS: ::registry_core::Registry<crate::support::Object> =
                ::registry_core::Registry::new("little samoyeds")
                    .with_parent(&SAMOYEDS)
                    .with_scope("little_samoyed");
        }
    };
}
#[allow(unused_imports, reason = "not every test declares the DOGS tree")]
pub(crate) use dogs_tree;

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
