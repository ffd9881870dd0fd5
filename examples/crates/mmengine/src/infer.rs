//! The trait of `INFERENCERS`.

/// What `INFERENCERS` builds: a trained model behind one call, MMEngine's `BaseInferencer`.
pub trait BaseInferencer: Send + Sync {
    /// The model's outputs for `inputs`.
    fn infer(&self, inputs: &[Vec<f32>]) -> Vec<Vec<f32>>;
}
