//! Data: datasets (`DATASETS`), their pipelines (`TRANSFORMS`), samplers (`DATA_SAMPLERS`),
//! collate functions (`FUNCTIONS`), and the [`DataLoader`] a runner builds from them.

use registry_core::{register_module, BoxError, BuildError};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::build_each;
use crate::registry::{DATASETS, DATA_SAMPLERS, FUNCTIONS, TRANSFORMS};

/// One example: the model's input and the output it should produce.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The model's input.
    pub inputs: Vec<f32>,
    /// The expected output.
    pub target: Vec<f32>,
}

/// Samples collated into one batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Batch {
    /// The inputs, one per sample.
    pub inputs: Vec<Vec<f32>>,
    /// The targets, one per sample.
    pub targets: Vec<Vec<f32>>,
}

/// What `DATASETS` builds: indexed samples.
pub trait Dataset: Send + Sync {
    /// The number of samples.
    fn len(&self) -> usize;

    /// True when there is no sample.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sample at `index`, after the dataset's pipeline; `None` past the end.
    fn get(&self, index: usize) -> Option<Sample>;
}

/// What `TRANSFORMS` builds: one step of a dataset's pipeline.
pub trait BaseTransform: Send + Sync {
    /// Transforms one sample.
    fn transform(&self, sample: Sample) -> Sample;
}

/// What `DATA_SAMPLERS` builds: the order in which an epoch visits a dataset.
pub trait Sampler: Send + Sync {
    /// The indices of a dataset of `len` samples for epoch `epoch`.
    fn indices(&self, len: usize, epoch: u32) -> Vec<usize>;
}

/// What `FUNCTIONS` builds: a collate function, turning samples into a batch.
pub trait CollateFn: Send + Sync {
    /// Collates `samples`.
    ///
    /// # Errors
    /// When the samples cannot form one batch.
    fn collate(&self, samples: Vec<Sample>) -> Result<Batch, BoxError>;
}

/// MMEngine's `Compose`: a pipeline of transforms built from configs.
pub struct Compose {
    transforms: Vec<Box<dyn BaseTransform>>,
}

impl Compose {
    /// Builds each config of `pipeline` through `TRANSFORMS`.
    ///
    /// # Errors
    /// The first transform's error, with its index.
    pub fn from_cfg(pipeline: &[Value]) -> Result<Self, BuildError> {
        let transforms = build_each(pipeline, Some("pipeline"), |cfg| TRANSFORMS.build(cfg))?;
        Ok(Compose { transforms })
    }
}

impl BaseTransform for Compose {
    fn transform(&self, sample: Sample) -> Sample {
        self.transforms
            .iter()
            .fold(sample, |sample, transform| transform.transform(sample))
    }
}

/// `num_samples` inputs of `weight.len()` features, spread over [-1, 1) by a hash of `seed`,
/// with targets `weight · x + bias`: a regression a `Linear` layer can learn exactly.
pub struct LinearRegressionDataset {
    weight: Vec<f32>,
    bias: f32,
    num_samples: usize,
    seed: u64,
    pipeline: Compose,
}

/// `LinearRegressionDataset`; `pipeline` is a list of `TRANSFORMS` configs.
#[register_module(registry = DATASETS, name = "LinearRegressionDataset")]
pub fn linear_regression_dataset(
    weight: Vec<f32>,
    bias: Option<f32>,
    num_samples: usize,
    seed: Option<u64>,
    pipeline: Option<Vec<Value>>,
) -> Result<LinearRegressionDataset, BuildError> {
    Ok(LinearRegressionDataset {
        weight,
        bias: bias.unwrap_or(0.0),
        num_samples,
        seed: splitmix64(seed.unwrap_or(0)),
        pipeline: Compose::from_cfg(&pipeline.unwrap_or_default())?,
    })
}

impl Dataset for LinearRegressionDataset {
    fn len(&self) -> usize {
        self.num_samples
    }

    fn get(&self, index: usize) -> Option<Sample> {
        if index >= self.num_samples {
            return None;
        }
        let inputs: Vec<f32> = (0..self.weight.len())
            .map(|feature| unit_interval(splitmix64(self.seed ^ (index * 31 + feature) as u64)))
            .collect();
        let target = self
            .weight
            .iter()
            .zip(&inputs)
            .map(|(w, x)| w * x)
            .sum::<f32>()
            + self.bias;
        Some(self.pipeline.transform(Sample {
            inputs,
            target: vec![target],
        }))
    }
}

/// Scales the inputs: `(x - mean) / std`.
#[derive(Debug)]
pub struct Normalize {
    mean: f32,
    std: f32,
}

/// `Normalize`; `std` must be positive.
#[register_module(registry = TRANSFORMS, name = "Normalize")]
pub fn normalize(mean: f32, std: f32) -> Result<Normalize, String> {
    if std > 0.0 {
        Ok(Normalize { mean, std })
    } else {
        Err(format!("std must be positive, but got {std}"))
    }
}

impl BaseTransform for Normalize {
    fn transform(&self, mut sample: Sample) -> Sample {
        for x in &mut sample.inputs {
            *x = (*x - self.mean) / self.std;
        }
        sample
    }
}

/// MMEngine's `DefaultSampler`: every index once per epoch, shuffled with `seed + epoch`
/// when `shuffle` (the default).
#[register_module(registry = DATA_SAMPLERS)]
#[derive(Debug, Deserialize)]
pub struct DefaultSampler {
    /// Shuffle each epoch.
    #[serde(default = "yes")]
    pub shuffle: bool,
    /// The base seed of the shuffle.
    #[serde(default)]
    pub seed: u64,
}

fn yes() -> bool {
    true
}

impl Sampler for DefaultSampler {
    fn indices(&self, len: usize, epoch: u32) -> Vec<usize> {
        let mut indices: Vec<usize> = (0..len).collect();
        if self.shuffle {
            // Fisher-Yates with splitmix64, seeded as MMEngine seeds its generator.
            let mut state = self.seed.wrapping_add(u64::from(epoch));
            for last in (1..len).rev() {
                state = splitmix64(state);
                let pick = usize::try_from(state % (last as u64 + 1)).unwrap_or(last);
                indices.swap(last, pick);
            }
        }
        indices
    }
}

/// MMEngine's `default_collate`: stacks the samples' inputs and targets, which must all have
/// one length.
#[register_module(registry = FUNCTIONS, name = "default_collate")]
#[derive(Debug, Deserialize)]
pub struct DefaultCollate;

impl CollateFn for DefaultCollate {
    fn collate(&self, samples: Vec<Sample>) -> Result<Batch, BoxError> {
        let same = |len: fn(&Sample) -> usize| samples.windows(2).all(|w| len(&w[0]) == len(&w[1]));
        if !same(|s| s.inputs.len()) || !same(|s| s.target.len()) {
            return Err("each element in list of batch should be of equal size".into());
        }
        Ok(samples
            .into_iter()
            .fold(Batch::default(), |mut batch, sample| {
                batch.inputs.push(sample.inputs);
                batch.targets.push(sample.target);
                batch
            }))
    }
}

/// Batches of a dataset, in a sampler's order: what MMEngine's `Runner.build_dataloader`
/// makes from `{"batch_size", "dataset", "sampler", "collate_fn"}`.
pub struct DataLoader {
    dataset: Box<dyn Dataset>,
    sampler: Box<dyn Sampler>,
    collate_fn: Box<dyn CollateFn>,
    batch_size: usize,
}

/// The keys of a data loader config.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataLoaderConfig {
    batch_size: usize,
    dataset: Value,
    #[serde(default)]
    sampler: Option<Value>,
    #[serde(default)]
    collate_fn: Option<Value>,
}

impl DataLoader {
    /// Builds the dataset, the sampler (default `DefaultSampler`, shuffled) and the collate
    /// function (default `default_collate`) of `cfg`.
    ///
    /// # Errors
    /// A malformed config, `batch_size` 0, or a part that fails to build.
    pub fn from_cfg(cfg: &Value) -> Result<Self, BuildError> {
        let cfg = DataLoaderConfig::deserialize(cfg).map_err(BuildError::custom)?;
        if cfg.batch_size == 0 {
            return Err(BuildError::custom(
                "batch_size should be a positive integer value, but got batch_size=0",
            ));
        }
        let sampler = cfg
            .sampler
            .unwrap_or_else(|| json!({"type": "DefaultSampler", "shuffle": true}));
        let collate_fn = cfg
            .collate_fn
            .unwrap_or_else(|| json!({"type": "default_collate"}));
        Ok(DataLoader {
            dataset: DATASETS.build(&cfg.dataset)?,
            sampler: DATA_SAMPLERS.build(&sampler)?,
            collate_fn: FUNCTIONS.build(&collate_fn)?,
            batch_size: cfg.batch_size,
        })
    }

    /// The number of batches in an epoch.
    #[must_use]
    pub fn len(&self) -> usize {
        self.dataset.len().div_ceil(self.batch_size)
    }

    /// True when an epoch has no batch.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The batches of epoch `epoch`.
    ///
    /// # Errors
    /// The collate function's.
    pub fn batches(&self, epoch: u32) -> Result<Vec<Batch>, BoxError> {
        let indices = self.sampler.indices(self.dataset.len(), epoch);
        indices
            .chunks(self.batch_size)
            .map(|chunk| {
                let samples = chunk.iter().filter_map(|&i| self.dataset.get(i)).collect();
                self.collate_fn.collate(samples)
            })
            .collect()
    }
}

/// One step of splitmix64.
fn splitmix64(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash onto [-1, 1).
fn unit_interval(hash: u64) -> f32 {
    let upper = u32::try_from(hash >> 40).unwrap_or(0); // 24 bits
    upper as f32 / (1u32 << 23) as f32 - 1.0
}
