//! Default scopes: the process-wide one (`DefaultScope::get_instance`, `init_default_scope`)
//! and the per-thread overrides (`overwrite_default_scope`, `_scope_`,
//! `switch_scope_and_registry`).
//!
//! MMEngine keeps one process-global stack that threads overwrite under each other. Here an
//! override lives on the thread that made it, so two threads building with different
//! `_scope_` never see each other's scope; the process default is what a thread sees when it
//! has no override.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::error::BuildError;
use crate::manager::{InstanceManager, Managed};
use crate::preview::clip;
use crate::registry::{Registry, ScopeHit};
use crate::{tree, warn};

/// A scope name: borrowed from the tree when it names a known scope (the common case, no
/// allocation), shared otherwise.
#[derive(Clone, Debug)]
pub(crate) enum ScopeName {
    Known(&'static str),
    Other(Arc<str>),
}

impl ScopeName {
    pub(crate) fn new(scope: &str) -> Self {
        match tree::known_scope(scope) {
            Some(known) => ScopeName::Known(known),
            None => ScopeName::Other(Arc::from(scope)),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            ScopeName::Known(scope) => scope,
            ScopeName::Other(scope) => scope,
        }
    }
}

/// The scope of the current task, which lookups through `build` are redirected to.
/// MMEngine's `DefaultScope`.
///
/// Instances made with [`get_instance`](Self::get_instance) are process-wide and the latest
/// one is the process default. [`overwrite_default_scope`](Self::overwrite_default_scope)
/// overrides it on the calling thread only.
///
/// ```
/// use registry_core::DefaultScope;
///
/// let scope = DefaultScope::get_instance("task", "mmdet");
/// assert_eq!(scope.scope_name(), "mmdet");
/// assert_eq!(DefaultScope::get_instance("task", "mmdet").instance_name(), "task");
/// assert_eq!(DefaultScope::get_current_instance().unwrap().scope_name(), "mmdet");
/// {
///     let _guard = DefaultScope::overwrite_default_scope(Some("mmcls"));
///     assert_eq!(DefaultScope::get_current_instance().unwrap().scope_name(), "mmcls");
/// }
/// assert_eq!(DefaultScope::get_current_instance().unwrap().scope_name(), "mmdet");
/// ```
#[derive(Debug)]
pub struct DefaultScope {
    instance_name: String,
    scope_name: ScopeName,
}

/// Process-wide instances; the latest created is the process default.
static INSTANCES: InstanceManager<DefaultScope> = InstanceManager::new();
/// Set once any process-wide instance exists, so builds skip reading it until then.
static PROCESS_DEFAULT_SET: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// This thread's overrides, innermost last.
    static OVERRIDES: RefCell<Vec<Override>> = const { RefCell::new(Vec::new()) };
}

struct Override {
    scope: ScopeName,
    id: u64,
}

thread_local! {
    /// Numbers this thread's overrides for their instance names; per thread, so `_scope_`
    /// builds on several threads share no counter.
    static NEXT_OVERRIDE_ID: Cell<u64> = const { Cell::new(0) };
}

impl DefaultScope {
    /// The instance named `instance_name`, created with `scope_name` if it does not exist
    /// (it then becomes the process default). An existing instance is returned as is; if
    /// `scope_name` differs from its scope, a warning says the argument was ignored.
    pub fn get_instance(instance_name: &str, scope_name: &str) -> Arc<DefaultScope> {
        let instance = INSTANCES
            .get_or_create(instance_name, |name| {
                Ok::<_, std::convert::Infallible>(DefaultScope {
                    instance_name: name.to_owned(),
                    scope_name: ScopeName::new(scope_name),
                })
            })
            .unwrap_or_else(|never| match never {});
        PROCESS_DEFAULT_SET.store(true, Ordering::Release);
        if instance.scope_name() != scope_name {
            warn::warn_once(format!(
                "DefaultScope instance named {instance_name} has been created, the method \
                 `get_instance` should not accept any other arguments (scope_name \
                 \"{scope_name}\" ignored; it stays \"{}\")",
                instance.scope_name()
            ));
        }
        instance
    }

    /// The default scope in force on this thread: its innermost override, else the latest
    /// created instance, else `None` (MMEngine returns `None` here too).
    pub fn get_current_instance() -> Option<Arc<DefaultScope>> {
        let overridden = OVERRIDES.with(|overrides| {
            overrides.borrow().last().map(|top| DefaultScope {
                instance_name: format!("overwrite-{}", top.id),
                scope_name: top.scope.clone(),
            })
        });
        match overridden {
            Some(scope) => Some(Arc::new(scope)),
            None => INSTANCES.current(),
        }
    }

    /// True when a process-wide instance named `instance_name` exists.
    pub fn check_instance_created(instance_name: &str) -> bool {
        INSTANCES.check_instance_created(instance_name)
    }

    /// Makes `scope_name` the default scope on this thread until the guard drops (nested
    /// guards restore in turn). `None` changes nothing.
    #[must_use = "the override ends when the guard is dropped"]
    pub fn overwrite_default_scope(scope_name: Option<&str>) -> ScopeOverride {
        ScopeOverride::push(scope_name)
    }

    /// The scope, such as `mmdet`.
    pub fn scope_name(&self) -> &str {
        self.scope_name.as_str()
    }

    /// The instance's name (`overwrite-N` for a thread's override).
    pub fn instance_name(&self) -> &str {
        &self.instance_name
    }
}

impl Managed for DefaultScope {
    fn manager() -> &'static InstanceManager<Self> {
        &INSTANCES
    }

    fn instance_name(&self) -> &str {
        &self.instance_name
    }
}

/// The default scope name in force on this thread, cheaply (no allocation for known scopes).
#[inline]
pub(crate) fn current_scope() -> Option<ScopeName> {
    let overridden =
        OVERRIDES.with(|overrides| overrides.borrow().last().map(|top| top.scope.clone()));
    if overridden.is_some() || !PROCESS_DEFAULT_SET.load(Ordering::Acquire) {
        return overridden;
    }
    INSTANCES
        .load_current()
        .as_ref()
        .map(|current| current.scope_name.clone())
}

/// A thread's default-scope override; dropping it restores the previous default scope.
/// Returned by [`DefaultScope::overwrite_default_scope`].
#[derive(Debug)]
pub struct ScopeOverride {
    /// The stack depth to restore, `None` when nothing was pushed.
    restore_to: Option<usize>,
    /// Overrides belong to the thread that made them.
    _not_send: PhantomData<*const ()>,
}

impl ScopeOverride {
    pub(crate) fn push(scope: Option<&str>) -> Self {
        let restore_to = scope.map(|scope| {
            let entry = Override {
                scope: ScopeName::new(scope),
                id: NEXT_OVERRIDE_ID.with(|next| next.replace(next.get() + 1)),
            };
            OVERRIDES.with(|overrides| {
                let mut overrides = overrides.borrow_mut();
                overrides.push(entry);
                overrides.len() - 1
            })
        });
        ScopeOverride {
            restore_to,
            _not_send: PhantomData,
        }
    }
}

impl Drop for ScopeOverride {
    fn drop(&mut self) {
        if let Some(depth) = self.restore_to {
            // `try_with`: the thread-local may already be gone if this drops during thread exit.
            let _ = OVERRIDES.try_with(|overrides| overrides.borrow_mut().truncate(depth));
        }
    }
}

/// The registry a build runs in, chosen by [`Registry::switch_scope_and_registry`]; the scope
/// override it made lasts as long as the guard. It dereferences to the registry.
pub struct SwitchGuard<'a, T: ?Sized + 'static> {
    registry: &'a Registry<T>,
    _override: ScopeOverride,
}

impl<'a, T: ?Sized + 'static> SwitchGuard<'a, T> {
    /// The registry chosen.
    pub fn registry(&self) -> &'a Registry<T> {
        self.registry
    }
}

impl<T: ?Sized + 'static> Deref for SwitchGuard<'_, T> {
    type Target = Registry<T>;

    fn deref(&self) -> &Registry<T> {
        self.registry
    }
}

impl<T: ?Sized + 'static> Registry<T> {
    /// Makes `scope` the default scope on this thread (if given) and returns the registry
    /// that builds should use: the one in this registry's tree whose scope is the default
    /// scope in force, or this registry when no default scope is set. MMEngine's context
    /// manager of the same name; the scope is restored when the guard drops.
    ///
    /// A default scope that is not in the tree falls back to this registry, with a warning
    /// (logged once).
    ///
    /// # Errors
    /// [`BuildError::AmbiguousScope`] when two registries of the tree have the scope.
    ///
    /// ```
    /// use registry_core::{registry, Registry};
    /// registry! {
    ///     pub static ANIMALS: Registry<dyn std::any::Any + Send + Sync> =
    ///         Registry::new("animal").with_scope("zoo");
    ///     pub static CATS: Registry<dyn std::any::Any + Send + Sync> =
    ///         Registry::new("cat").with_parent(&ANIMALS).with_scope("cats");
    /// }
    /// let chosen = ANIMALS.switch_scope_and_registry(Some("cats")).unwrap();
    /// assert_eq!(chosen.name(), "cat");
    /// ```
    pub fn switch_scope_and_registry(
        &self,
        scope: Option<&str>,
    ) -> Result<SwitchGuard<'_, T>, BuildError> {
        let guard = ScopeOverride::push(scope);
        let registry = match current_scope() {
            None => self,
            Some(current) => self.registry_for_scope(current.as_str())?,
        };
        Ok(SwitchGuard {
            registry,
            _override: guard,
        })
    }

    /// The registry of `scope` in this tree, or this registry (with a warning) if none has it.
    fn registry_for_scope(&self, scope: &str) -> Result<&Registry<T>, BuildError> {
        let root = self.root();
        match root.scope_node(scope) {
            Some(ScopeHit::Unique(registry)) => Ok(registry),
            Some(ScopeHit::Ambiguous(first, second)) => {
                Err(self.ambiguous_scope(scope, first, second))
            }
            None if root.scope() == scope => Ok(root),
            None => {
                let scope = clip(scope);
                warn::warn_once(format!(
                    "Failed to search registry with scope \"{scope}\" in the \"{}\" registry \
                     tree. As a workaround, the current \"{}\" registry in \"{}\" is used to \
                     build instance. This may cause unexpected failure when running the built \
                     modules. Please check whether \"{scope}\" is a correct scope, or whether \
                     the registry is initialized.",
                    root.name(),
                    self.name(),
                    self.scope()
                ));
                Ok(self)
            }
        }
    }
}

/// Sets the process default scope to `scope`, as MMEngine's `init_default_scope` does: if no
/// instance named `scope` exists (or none at all), one is created; else if the current
/// default scope is another one, a warning is logged and a new instance named
/// `"{scope}-{timestamp}"` is created; else nothing changes. It reads and sets the process
/// default only; a thread's overrides are untouched.
///
/// ```
/// use registry_core::{init_default_scope, DefaultScope};
/// init_default_scope("mmseg");
/// assert_eq!(DefaultScope::get_current_instance().unwrap().scope_name(), "mmseg");
/// ```
pub fn init_default_scope(scope: &str) {
    let current = INSTANCES.current();
    let never_created = current.is_none() || !DefaultScope::check_instance_created(scope);
    if never_created {
        DefaultScope::get_instance(scope, scope);
        return;
    }
    if let Some(current) = current {
        if current.scope_name() != scope {
            warn::warn_once(format!(
                "The current default scope \"{}\" is not \"{scope}\", `init_default_scope` will \
                 force set the current default scope to \"{scope}\".",
                current.scope_name()
            ));
            let stamp = chrono::Local::now().format("%Y-%m-%d %H:%M:%S%.6f");
            DefaultScope::get_instance(&format!("{scope}-{stamp}"), scope);
        }
    }
}
