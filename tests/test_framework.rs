//! The example framework crate's modules do what they say: the optimizer, the schedulers'
//! factors, the data pipeline, a layer's `init_cfg`, and a runner trained from
//! `examples/configs/runner.json`.

use std::any::Any;

use mmengine::dataset::{DataLoader, Sample};
use mmengine::runner::CustomRunner;
use mmengine::{FUNCTIONS, MODELS, OPTIMIZERS, OPTIM_WRAPPERS, PARAM_SCHEDULERS, RUNNERS};
use serde_json::{json, Value};

fn assert_close(actual: &[f32], expected: &[f32]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!((a - e).abs() < 1e-6, "{actual:?} vs {expected:?}");
    }
}

#[test]
fn sgd_with_momentum_and_weight_decay() {
    let mut sgd = OPTIMIZERS
        .build(&json!({"type": "SGD", "lr": 0.1, "momentum": 0.9}))
        .unwrap();
    let mut params = [1.0, -2.0];
    sgd.step(&mut params, &[0.5, 0.5]);
    assert_close(&params, &[0.95, -2.05]);
    // The momentum buffer: 0.9 * 0.5 + 0.5.
    sgd.step(&mut params, &[0.5, 0.5]);
    assert_close(&params, &[0.855, -2.145]);

    let mut decay = OPTIMIZERS
        .build(&json!({"type": "SGD", "lr": 0.1, "weight_decay": 0.1}))
        .unwrap();
    let mut params = [1.0];
    decay.step(&mut params, &[0.0]);
    assert_close(&params, &[0.99]);
    decay.set_lr(1.0);
    assert!((decay.lr() - 1.0).abs() < f32::EPSILON);
}

#[test]
fn optim_wrapper_clips_the_gradient_norm() {
    let mut wrapper = OPTIM_WRAPPERS
        .build(&json!({
            "type": "OptimWrapper",
            "optimizer": {"type": "SGD", "lr": 1.0},
            "clip_grad": {"max_norm": 1.0},
        }))
        .unwrap();
    let mut params = [0.0, 0.0];
    wrapper.update_params(&mut params, &[3.0, 4.0]);
    assert_close(&params, &[-0.6, -0.8]);
    // Under the limit, unchanged.
    let mut params = [0.0, 0.0];
    wrapper.update_params(&mut params, &[0.3, 0.4]);
    assert_close(&params, &[-0.3, -0.4]);
}

#[test]
fn scheduler_factors() {
    let step = PARAM_SCHEDULERS
        .build(&json!({"type": "StepLR", "step_size": 2, "gamma": 0.5, "begin": 1, "end": 7}))
        .unwrap();
    let factors: Vec<f32> = [0, 1, 2, 3, 4, 5, 6, 100].map(|s| step.factor(s)).to_vec();
    assert_close(&factors, &[1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.25]);
    let linear = PARAM_SCHEDULERS
        .build(&json!({"type": "LinearLR", "start_factor": 0.5, "end": 5}))
        .unwrap();
    let factors: Vec<f32> = [0, 2, 4, 10].map(|s| linear.factor(s)).to_vec();
    assert_close(&factors, &[0.5, 0.75, 1.0, 1.0]);
    assert!(linear.by_epoch());
}

fn dataset(num_samples: usize, shuffle: bool) -> Value {
    json!({
        "batch_size": 3,
        "dataset": {"type": "LinearRegressionDataset", "weight": [1.0], "num_samples": num_samples},
        "sampler": {"type": "DefaultSampler", "shuffle": shuffle, "seed": 7},
    })
}

#[test]
fn data_loader_batches_in_the_samplers_order() {
    let loader = DataLoader::from_cfg(&dataset(7, false)).unwrap();
    assert_eq!(loader.len(), 3);
    let batches = loader.batches(0).unwrap();
    let sizes: Vec<usize> = batches.iter().map(|batch| batch.inputs.len()).collect();
    assert_eq!(sizes, [3, 3, 1]);
    // weight [1.0], bias 0: every target is its input.
    for batch in &batches {
        for (inputs, target) in batch.inputs.iter().zip(&batch.targets) {
            assert_eq!(inputs, target);
            assert!((-1.0..1.0).contains(&inputs[0]));
        }
    }

    let shuffled = DataLoader::from_cfg(&dataset(7, true)).unwrap();
    let order = |epoch| -> Vec<Vec<f32>> {
        shuffled
            .batches(epoch)
            .unwrap()
            .into_iter()
            .flat_map(|batch| batch.inputs)
            .collect()
    };
    let mut sorted = order(0);
    assert_eq!(order(0), sorted, "the same epoch, the same order");
    assert_ne!(order(0), order(1), "each epoch has its own order");
    let mut plain: Vec<Vec<f32>> = batches.into_iter().flat_map(|batch| batch.inputs).collect();
    sorted.sort_by(|a, b| a[0].total_cmp(&b[0]));
    plain.sort_by(|a, b| a[0].total_cmp(&b[0]));
    assert_eq!(sorted, plain, "a permutation of the dataset");
}

#[test]
fn data_loader_errors() {
    let mut cfg = dataset(4, false);
    cfg["batch_size"] = json!(0);
    assert_eq!(
        DataLoader::from_cfg(&cfg).err().unwrap().to_string(),
        "batch_size should be a positive integer value, but got batch_size=0"
    );
    let collate = FUNCTIONS
        .build(&json!({"type": "default_collate"}))
        .unwrap();
    let ragged = vec![
        Sample {
            inputs: vec![1.0],
            target: vec![1.0],
        },
        Sample {
            inputs: vec![1.0, 2.0],
            target: vec![1.0],
        },
    ];
    assert_eq!(
        collate.collate(ragged).unwrap_err().to_string(),
        "each element in list of batch should be of equal size"
    );
    let error = DataLoader::from_cfg(&json!({
        "batch_size": 1,
        "dataset": {"type": "LinearRegressionDataset", "weight": [1.0], "num_samples": 1,
                    "pipeline": [{"type": "Normalize", "mean": 0.0, "std": 0.0}]},
    }))
    .err()
    .unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `LinearRegressionDataset` from the mmengine::dataset registry: \
         pipeline[0]: failed to build `Normalize` from the mmengine::transform registry: std \
         must be positive, but got 0"
    );
}

#[test]
fn linear_init_cfg_and_shapes() {
    let layer = MODELS
        .build(
            &json!({"type": "Linear", "in_features": 2, "out_features": 2,
                       "init_cfg": {"type": "Constant", "val": 0.5, "bias": 1.0}}),
        )
        .unwrap();
    assert_eq!(layer.parameters(), [0.5, 0.5, 0.5, 0.5, 1.0, 1.0]);
    assert_eq!(layer.forward(&[2.0, 4.0]), [4.0, 4.0]);
    let error = MODELS
        .build(&json!({"type": "Linear", "in_features": 2, "out_features": 1, "weight": [[1.0]]}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `Linear` from the mmengine::model registry: weight must be 1 rows of 2 \
         values, but got rows of [1]"
    );
}

fn runner_config() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/configs/runner.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_example_runner_trains_and_validates() {
    let mut runner = RUNNERS.build(&runner_config()).unwrap();
    assert_eq!(runner.runner_type(), "CustomRunner");
    let before = runner.model().parameters();
    let report = runner.train().unwrap();
    assert_ne!(runner.model().parameters(), before);
    // 32 samples in batches of 8, 6 epochs.
    assert_eq!(report.iterations, 24);
    assert_eq!(report.epochs.len(), 6);
    let (first, last) = (&report.epochs[0], &report.epochs[5]);
    assert!(last.loss < first.loss / 10.0, "{report:?}");
    // LinearLR warms up over the first epoch's 4 iterations; StepLR halves every 8.
    assert!((first.lr - 0.03).abs() < 1e-6, "{report:?}");
    assert!((last.lr - 0.0075).abs() < 1e-6, "{report:?}");
    assert!(report.metrics["mse"] < 0.1, "{report:?}");
    // The LoggerHook logs every 2 iterations.
    assert_eq!(runner.log().len(), 12);
    assert!(
        runner.log()[0].starts_with("Epoch(train) [1][2/4]  lr: 1.5000e-2  loss: "),
        "{:?}",
        runner.log()
    );
    let runner: Box<dyn Any> = runner;
    assert!(runner.is::<CustomRunner>());
}

#[test]
fn runner_errors_name_the_part() {
    let error = RUNNERS
        .build(&json!({"model": {"type": "ReLU"}, "train_cfg": {"max_epoch": 1}}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `Runner` from the mmengine::runner registry: train_cfg: unknown field \
         `max_epoch`, expected `max_epochs`\n  \
         while building `EpochBasedTrainLoop` from the mmengine::loop registry"
    );
    let error = RUNNERS
        .build(&json!({"model": {"type": "ReLU"}, "optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.1}}}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `Runner` from the mmengine::runner registry: optim_wrapper: optimizer \
         got an empty parameter list"
    );
    let mut runner = RUNNERS.build(&json!({"model": {"type": "ReLU"}})).unwrap();
    assert_eq!(
        runner.train().unwrap_err().to_string(),
        "`train_dataloader`, `train_cfg` and `optim_wrapper` should all be set when calling train"
    );
}
