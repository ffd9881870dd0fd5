//! Evaluation: metrics (`METRICS`) and evaluators (`EVALUATOR`).

use std::collections::BTreeMap;

use registry_core::{register_module, BuildError};
use serde::Deserialize;
use serde_json::Value;

use crate::build_each;
use crate::registry::{EVALUATOR, METRICS};

/// What `METRICS` builds: accumulates predictions, then computes named values.
pub trait BaseMetric: Send + Sync {
    /// Accumulates a batch of predictions and their targets.
    fn process(&mut self, predictions: &[Vec<f32>], targets: &[Vec<f32>]);

    /// The metric over everything processed, by name; then starts over.
    fn evaluate(&mut self) -> BTreeMap<String, f32>;
}

/// The mean of the squared errors, as `mse` (or `<prefix>/mse`); NaN before any sample.
#[register_module(registry = METRICS)]
#[derive(Debug, Deserialize)]
pub struct MeanSquaredError {
    /// Put before the metric's name, as `prefix/mse`.
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(skip)]
    sum: f64,
    #[serde(skip)]
    count: u32,
}

impl BaseMetric for MeanSquaredError {
    fn process(&mut self, predictions: &[Vec<f32>], targets: &[Vec<f32>]) {
        for (prediction, target) in predictions.iter().zip(targets) {
            for (y, t) in prediction.iter().zip(target) {
                self.sum += f64::from(y - t).powi(2);
                self.count += 1;
            }
        }
    }

    fn evaluate(&mut self) -> BTreeMap<String, f32> {
        let mse = (self.sum / f64::from(self.count)) as f32;
        (self.sum, self.count) = (0.0, 0);
        let name = match &self.prefix {
            Some(prefix) => format!("{prefix}/mse"),
            None => "mse".to_owned(),
        };
        BTreeMap::from([(name, mse)])
    }
}

/// What `EVALUATOR` builds: runs several metrics over the same predictions.
pub trait BaseEvaluator: Send + Sync {
    /// Passes a batch to every metric.
    fn process(&mut self, predictions: &[Vec<f32>], targets: &[Vec<f32>]);

    /// Every metric's values, merged.
    fn evaluate(&mut self) -> BTreeMap<String, f32>;
}

/// MMEngine's `Evaluator`.
pub struct Evaluator {
    metrics: Vec<Box<dyn BaseMetric>>,
}

/// `Evaluator`; `metrics` is a `METRICS` config or a list of them.
#[register_module(registry = EVALUATOR, name = "Evaluator")]
pub fn evaluator(metrics: Value) -> Result<Evaluator, BuildError> {
    let metrics = match metrics {
        Value::Array(cfgs) => build_each(&cfgs, None, |cfg| METRICS.build(cfg))?,
        cfg => vec![METRICS.build(&cfg)?],
    };
    Ok(Evaluator { metrics })
}

impl BaseEvaluator for Evaluator {
    fn process(&mut self, predictions: &[Vec<f32>], targets: &[Vec<f32>]) {
        for metric in &mut self.metrics {
            metric.process(predictions, targets);
        }
    }

    fn evaluate(&mut self) -> BTreeMap<String, f32> {
        self.metrics
            .iter_mut()
            .flat_map(|metric| metric.evaluate())
            .collect()
    }
}
