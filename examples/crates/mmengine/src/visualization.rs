//! Visualization: visualizers (`VISUALIZERS`) and their backends (`VISBACKENDS`).
//!
//! [`Visualizer`] is managed, as MMEngine's is a `ManagerMixin`: building it through
//! `VISUALIZERS` with a `name` returns the instance of that name, created on the first build,
//! and [`Visualizer::get_current_instance`](registry_core::Managed::get_current_instance)
//! is the latest created.

use std::any::Any;
use std::sync::{Arc, Mutex, PoisonError};

use registry_core::{register_module, BuildError, InstanceManager, Managed};
use serde::Deserialize;
use serde_json::Value;

use crate::build_each;
use crate::registry::{VISBACKENDS, VISUALIZERS};

/// A value recorded at a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// Its name, such as `loss`.
    pub name: String,
    /// The value.
    pub value: f32,
    /// The step (iteration) it was recorded at.
    pub step: u64,
}

/// What `VISBACKENDS` builds: where scalars are written.
pub trait BaseVisBackend: Send + Sync {
    /// Records one scalar.
    fn add_scalar(&self, name: &str, value: f32, step: u64);

    /// Everything recorded, in order.
    fn scalars(&self) -> Vec<Scalar>;
}

/// Keeps scalars in memory (MMEngine's writes them to `scalars.json` in its `save_dir`).
#[register_module(registry = VISBACKENDS)]
#[derive(Debug, Default, Deserialize)]
pub struct LocalVisBackend {
    #[serde(skip)]
    scalars: Mutex<Vec<Scalar>>,
}

impl BaseVisBackend for LocalVisBackend {
    fn add_scalar(&self, name: &str, value: f32, step: u64) {
        let scalar = Scalar {
            name: name.to_owned(),
            value,
            step,
        };
        self.scalars
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(scalar);
    }

    fn scalars(&self) -> Vec<Scalar> {
        self.scalars
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// What `VISUALIZERS` builds: records scalars through its backends.
pub trait BaseVisualizer: Any + Send + Sync {
    /// The instance's name.
    fn name(&self) -> &str;

    /// Sends each `(name, value)` to every backend, at `step`.
    fn add_scalars(&self, scalars: &[(&str, f32)], step: u64);

    /// What the first backend recorded.
    fn scalars(&self) -> Vec<Scalar>;
}

/// MMEngine's `Visualizer`: a named, shared instance with its backends. Built through
/// `VISUALIZERS` (`{"type": "Visualizer", "name": "vis", "vis_backends": [...]}`), the
/// registry hands out an `Arc<Visualizer>` (boxed as `dyn BaseVisualizer`) and a second build
/// with the same `name` returns the same instance.
#[register_module(registry = VISUALIZERS, managed)]
#[derive(Deserialize)]
#[serde(try_from = "VisualizerConfig")]
pub struct Visualizer {
    name: String,
    vis_backends: Vec<Box<dyn BaseVisBackend>>,
}

/// The keys of a `Visualizer` config. Unknown keys are rejected here: a managed type is
/// deserialized from a copy of its arguments, not from the registry's checked view.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VisualizerConfig {
    name: String,
    #[serde(default)]
    vis_backends: Vec<Value>,
}

impl TryFrom<VisualizerConfig> for Visualizer {
    type Error = BuildError;

    fn try_from(cfg: VisualizerConfig) -> Result<Self, BuildError> {
        let vis_backends = build_each(&cfg.vis_backends, None, |cfg| VISBACKENDS.build(cfg))?;
        Ok(Visualizer {
            name: cfg.name,
            vis_backends,
        })
    }
}

impl Managed for Visualizer {
    fn manager() -> &'static InstanceManager<Self> {
        static VISUALIZERS: InstanceManager<Visualizer> = InstanceManager::new();
        &VISUALIZERS
    }

    fn instance_name(&self) -> &str {
        &self.name
    }
}

impl BaseVisualizer for Visualizer {
    fn name(&self) -> &str {
        &self.name
    }

    fn add_scalars(&self, scalars: &[(&str, f32)], step: u64) {
        for backend in &self.vis_backends {
            for &(name, value) in scalars {
                backend.add_scalar(name, value, step);
            }
        }
    }

    fn scalars(&self) -> Vec<Scalar> {
        self.vis_backends
            .first()
            .map(|backend| backend.scalars())
            .unwrap_or_default()
    }
}

/// A shared visualizer is one: what a managed build hands out.
impl<V: BaseVisualizer> BaseVisualizer for Arc<V> {
    fn name(&self) -> &str {
        V::name(self)
    }

    fn add_scalars(&self, scalars: &[(&str, f32)], step: u64) {
        V::add_scalars(self, scalars, step);
    }

    fn scalars(&self) -> Vec<Scalar> {
        V::scalars(self)
    }
}
