//! Named, shared instances: MMEngine's `ManagerMixin` as a reusable generic.
//!
//! An [`InstanceManager<T>`] creates each named instance once and hands out the same
//! `Arc<T>` afterwards; the latest created is the current one. Construction runs outside the
//! manager's lock, so a constructor that fails or panics leaves the manager usable (MMEngine
//! keeps its lock held there and deadlocks the next caller).

use std::cell::RefCell;
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwapOption;
use once_cell::sync::OnceCell;
use serde_json::{Map, Value};

use crate::config::Args;
use crate::tracked::ArgsError;
use crate::warn;

/// The instances of one type, by name. Usually a `static` returned by [`Managed::manager`].
///
/// ```
/// use registry_core::InstanceManager;
///
/// static LOGGERS: InstanceManager<String> = InstanceManager::new();
///
/// let first = LOGGERS.get_or_create("train", |name| Ok::<_, ()>(format!("logger {name}"))).unwrap();
/// let again = LOGGERS.get_or_create("train", |_| Ok::<_, ()>(String::from("ignored"))).unwrap();
/// assert!(std::sync::Arc::ptr_eq(&first, &again));
/// assert_eq!(*LOGGERS.get_current_instance().unwrap(), "logger train");
/// assert!(LOGGERS.check_instance_created("train"));
/// assert!(!LOGGERS.check_instance_created("val"));
/// ```
pub struct InstanceManager<T: Send + Sync + 'static> {
    /// Name → cell, in first-request order. The lock is only held to find or add a cell.
    slots: Mutex<Vec<(String, Slot<T>)>>,
    /// The latest created instance.
    current: ArcSwapOption<T>,
}

thread_local! {
    /// The (manager, name) pairs whose constructors run on this thread, innermost last: a
    /// constructor that asks for its own name again is a cycle, not a wait.
    static CREATING: RefCell<Vec<(usize, String)>> = const { RefCell::new(Vec::new()) };
}

/// Marks a constructor as running on this thread until dropped (panics included).
struct Creating;

impl Creating {
    fn enter(manager: usize, name: &str) -> Creating {
        CREATING.with_borrow_mut(|creating| creating.push((manager, name.to_owned())));
        Creating
    }
}

impl Drop for Creating {
    fn drop(&mut self) {
        CREATING.with_borrow_mut(|creating| {
            creating.pop();
        });
    }
}

/// The cell of one named instance: empty until created.
type Slot<T> = Arc<OnceCell<Arc<T>>>;

/// Why the manager has no instance to give.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManagerError {
    /// `get_current_instance` before any instance was created.
    #[error(
        "Before calling {type_name}::get_current_instance(), you should call \
         get_instance(name=xxx) at least once."
    )]
    NoInstance {
        /// The managed type.
        type_name: &'static str,
    },
}

impl<T: Send + Sync + 'static> InstanceManager<T> {
    /// An empty manager; `const`, so it can be a `static`.
    #[must_use]
    pub const fn new() -> Self {
        InstanceManager {
            slots: Mutex::new(Vec::new()),
            current: ArcSwapOption::const_empty(),
        }
    }

    /// The instance named `name`, created by `create(name)` if it does not exist yet (it then
    /// becomes the current instance). Concurrent calls for one name create it once. If
    /// `create` fails or panics, nothing is stored and a later call tries again.
    ///
    /// # Errors
    /// `create`'s error.
    ///
    /// # Panics
    /// When `create` asks this manager for `name` again on its own thread: the instance would
    /// have to exist before it is made (waiting for it would deadlock).
    pub fn get_or_create<E>(
        &self,
        name: &str,
        create: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        assert!(!self.is_creating_here(name), "{}", self.cycle_message(name));
        self.create_once(name, create)
    }

    /// `get_or_create` once the caller has ruled out a cycle.
    fn create_once<E>(
        &self,
        name: &str,
        create: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        let cell = self.cell(name);
        // The initializer runs on this thread, if at all.
        let mut created = false;
        let instance = cell.get_or_try_init(|| {
            let _creating = Creating::enter(self.id(), name);
            let instance = Arc::new(create(name)?);
            created = true;
            Ok(instance)
        })?;
        if created {
            self.current.store(Some(Arc::clone(instance)));
        }
        Ok(Arc::clone(instance))
    }

    /// The instance named `name`, built from `args` (a JSON object; `name` is added to it)
    /// by deserializing `T` if it does not exist yet. MMEngine's `get_instance(name, **kwargs)`:
    /// when the instance exists, other arguments are ignored with a warning. As in a registry
    /// build, a key `T` does not accept is an error.
    ///
    /// # Errors
    /// An empty `name`, or `args` that do not deserialize into `T`.
    pub fn get_instance(&self, name: &str, args: &Value) -> Result<Arc<T>, serde_json::Error>
    where
        T: serde::de::DeserializeOwned,
    {
        let empty = Map::new();
        let map = args.as_object().unwrap_or(&empty);
        self.get_instance_from(name, Args::new(map, None))
            .map_err(<serde_json::Error as serde::de::Error>::custom)
    }

    /// [`get_instance`](Self::get_instance) from a build's arguments (`name` among them).
    pub(crate) fn get_instance_from(&self, name: &str, args: Args<'_>) -> Result<Arc<T>, ArgsError>
    where
        T: serde::de::DeserializeOwned,
    {
        if name.is_empty() {
            return Err(<ArgsError as serde::de::Error>::custom(
                "name argument must be an non-empty string.",
            ));
        }
        if self.is_creating_here(name) {
            return Err(<ArgsError as serde::de::Error>::custom(
                self.cycle_message(name),
            ));
        }
        if self.check_instance_created(name) && args.iter().any(|(key, _)| key != "name") {
            warn::warn_once(format!(
                "{} instance named of {name} has been created, the method `get_instance` should \
                 not accept any other arguments",
                std::any::type_name::<T>()
            ));
        }
        self.create_once(name, |name| {
            // The arguments with the instance name, copied through the checked view (not
            // `Value::clone`, which recurses as deep as the config: the depth limit applies).
            let mut map: Map<String, Value> = args.deserialize()?;
            map.insert("name".to_owned(), Value::String(name.to_owned()));
            Args::new(&map, None).deserialize::<T>()
        })
    }

    /// This manager's identity in [`CREATING`].
    fn id(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// True while this thread runs the constructor of `name` for this manager.
    fn is_creating_here(&self, name: &str) -> bool {
        let id = self.id();
        CREATING.with_borrow(|creating| {
            creating
                .iter()
                .any(|(manager, creating)| *manager == id && creating == name)
        })
    }

    fn cycle_message(&self, name: &str) -> String {
        format!(
            "the {} instance \"{name}\" is asked for while it is being created (its own \
             arguments or constructor refer to it): it cannot exist before it is made",
            std::any::type_name::<T>()
        )
    }

    /// The latest created instance (re-fetching an older one does not change it).
    ///
    /// # Errors
    /// [`ManagerError::NoInstance`] before any instance was created.
    pub fn get_current_instance(&self) -> Result<Arc<T>, ManagerError> {
        self.current.load_full().ok_or(ManagerError::NoInstance {
            type_name: std::any::type_name::<T>(),
        })
    }

    /// The latest created instance, or `None`.
    pub fn current(&self) -> Option<Arc<T>> {
        self.current.load_full()
    }

    /// The latest created instance without touching its reference count (for hot paths).
    pub(crate) fn load_current(&self) -> arc_swap::Guard<Option<Arc<T>>> {
        self.current.load()
    }

    /// True when an instance named `name` exists.
    pub fn check_instance_created(&self, name: &str) -> bool {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|(slot, cell)| slot == name && cell.get().is_some())
    }

    /// The names of the created instances, in the order they were first requested.
    pub fn instance_names(&self) -> Vec<String> {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(_, cell)| cell.get().is_some())
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// The cell of `name`, added if new; the lock is released before anything is built.
    fn cell(&self, name: &str) -> Slot<T> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, cell)) = slots.iter().find(|(slot, _)| slot == name) {
            return Arc::clone(cell);
        }
        let cell = Arc::new(OnceCell::new());
        slots.push((name.to_owned(), Arc::clone(&cell)));
        cell
    }
}

impl<T: Send + Sync + 'static> Default for InstanceManager<T> {
    fn default() -> Self {
        InstanceManager::new()
    }
}

impl<T: Send + Sync + 'static> std::fmt::Debug for InstanceManager<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceManager")
            .field("type", &std::any::type_name::<T>())
            .field("instances", &self.instance_names())
            .finish()
    }
}

/// A type whose instances are named and shared, MMEngine's `ManagerMixin`. Implement the two
/// required methods; the rest mirror MMEngine's class methods. Mark the type `managed` in
/// [`#[register_module]`](macro@crate::register_module) to have a registry build it through
/// its manager, with the config's `name` as the instance name.
///
/// ```
/// use std::sync::Arc;
/// use registry_core::{InstanceManager, Managed};
///
/// #[derive(serde::Deserialize)]
/// struct Visualizer { name: String, #[serde(default)] backends: Vec<String> }
///
/// impl Managed for Visualizer {
///     fn manager() -> &'static InstanceManager<Self> {
///         static MANAGER: InstanceManager<Visualizer> = InstanceManager::new();
///         &MANAGER
///     }
///     fn instance_name(&self) -> &str { &self.name }
/// }
///
/// assert!(Visualizer::get_current_instance().is_err());
/// let vis = Visualizer::get_instance("vis", &serde_json::json!({"backends": ["local"]})).unwrap();
/// assert_eq!(vis.instance_name(), "vis");
/// assert!(Arc::ptr_eq(&vis, &Visualizer::get_current_instance().unwrap()));
/// assert!(Visualizer::check_instance_created("vis"));
/// ```
pub trait Managed: Send + Sync + Sized + 'static {
    /// This type's manager (one `static` per type).
    fn manager() -> &'static InstanceManager<Self>;

    /// This instance's name.
    fn instance_name(&self) -> &str;

    /// The instance named `name`, deserialized from `args` plus `name` if new.
    ///
    /// # Errors
    /// serde's error when `args` does not deserialize into `Self`.
    fn get_instance(name: &str, args: &Value) -> Result<Arc<Self>, serde_json::Error>
    where
        Self: serde::de::DeserializeOwned,
    {
        Self::manager().get_instance(name, args)
    }

    /// The latest created instance.
    ///
    /// # Errors
    /// [`ManagerError::NoInstance`] before any instance was created.
    fn get_current_instance() -> Result<Arc<Self>, ManagerError> {
        Self::manager().get_current_instance()
    }

    /// True when an instance named `name` exists.
    fn check_instance_created(name: &str) -> bool {
        Self::manager().check_instance_created(name)
    }
}
