//! The `registry!` macro that declares registries as statics.

/// Declares registries as statics, the Rust form of MMEngine's module-level
/// `MODELS = Registry('model', ...)`.
///
/// Each static is submitted to the program-wide list of registries, so the tree is assembled
/// without anyone having to name it, [`count_registered_modules`](crate::count_registered_modules)
/// counts it under the static's name, and a registry without [`with_scope`](crate::Registry::with_scope)
/// takes the declaring crate's name as its scope (MMEngine's `infer_scope`).
///
/// ```
/// use registry_core::{registry, Registry};
///
/// pub trait Activation: Send + Sync { fn forward(&self, x: f32) -> f32; }
///
/// registry! {
///     /// Root registry; its scope is this crate's name.
///     pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
///     /// A child: lookups that miss here continue in ACTIVATION.
///     pub static ALPHA: Registry<dyn Activation> = Registry::new("activation")
///         .with_parent(&ACTIVATION)
///         .with_scope("mmalpha")
///         .with_locations(&["mmalpha::activations"]);
/// }
///
/// assert_eq!(ALPHA.scope(), "mmalpha");
/// assert_eq!(ALPHA.parent().unwrap().name(), "activation");
/// assert_eq!(ACTIVATION.children()[0].scope(), "mmalpha");
/// ```
#[macro_export]
macro_rules! registry {
    ($($(#[$attr:meta])* $vis:vis static $name:ident : $ty:ty = $init:expr ;)*) => {$(
        $(#[$attr])*
        $vis static $name: $ty =
            ($init).__declare(::core::stringify!($name), ::core::module_path!());
        const _: () = {
            $crate::__private::inventory::submit! {
                $crate::__private::Declaration { registry: &$name }
            }
        };
    )*};
}
