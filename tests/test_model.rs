//! A model-based test of resolution: random registry trees (depth up to 5, scopes drawn from
//! a small alphabet so duplicates happen, random names in each node), random keys with and
//! without scope prefixes, random `_scope_` values and default scopes. The library's `get`
//! and `build` must agree with the small reference model below, written from the documented
//! rules (MMEngine's, plus the differences in the README).

use std::any::Any;
use std::collections::BTreeSet;

use proptest::prelude::*;
use registry_core::{BuildError, DefaultScope, Registry};
use serde_json::json;

type Object = dyn Any + Send + Sync;

const SCOPES: [&str; 5] = ["a", "b", "c", "d", "e"];
const NAMES: [&str; 4] = ["X", "Y", "Z", "W"];

/// The tree as the model sees it.
#[derive(Debug, Clone)]
struct Tree {
    /// `(parent, scope, names)` per node; node 0 is the root.
    nodes: Vec<(Option<usize>, &'static str, BTreeSet<&'static str>)>,
}

/// What a lookup ends in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Found(usize),
    NotFound,
    UnknownScope,
    Ambiguous,
}

impl Tree {
    fn scope(&self, node: usize) -> &'static str {
        self.nodes[node].1
    }

    fn children(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.len()).filter(move |&child| self.nodes[child].0 == Some(node))
    }

    fn with_scope(&self, scope: &str) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&node| self.scope(node) == scope)
            .collect()
    }

    fn own(&self, node: usize, name: &str) -> Outcome {
        if self.nodes[node].2.contains(name) {
            Outcome::Found(node)
        } else {
            Outcome::NotFound
        }
    }

    /// The documented rules of `get`.
    fn resolve(&self, node: usize, key: &str) -> Outcome {
        let Some((scope, rest)) = key.split_once('.') else {
            // A bare name: this registry, then each ancestor.
            let mut at = Some(node);
            while let Some(current) = at {
                if self.nodes[current].2.contains(key) {
                    return Outcome::Found(current);
                }
                at = self.nodes[current].0;
            }
            return Outcome::NotFound;
        };
        if scope == self.scope(node) {
            return self.own(node, rest);
        }
        let children: Vec<usize> = self
            .children(node)
            .filter(|&c| self.scope(c) == scope)
            .collect();
        match children.as_slice() {
            [only] => return self.resolve(*only, rest),
            [_, _, ..] => return Outcome::Ambiguous,
            [] => {}
        }
        match self.with_scope(scope).as_slice() {
            [0] => self.own(0, rest),
            [only] => self.resolve(*only, rest),
            [] => Outcome::UnknownScope,
            _ => Outcome::Ambiguous,
        }
    }

    /// The registry a build from `node` runs in under default scope `scope`.
    fn build_target(&self, node: usize, scope: Option<&str>) -> Result<usize, Outcome> {
        let Some(scope) = scope else {
            return Ok(node);
        };
        match self.with_scope(scope).as_slice() {
            [only] => Ok(*only),
            [] => Ok(node),
            _ => Err(Outcome::Ambiguous),
        }
    }

    /// Makes the registries: each a leaked runtime registry linked into its parent's tree,
    /// named `n<index>`, each name's builder returning its node's index.
    fn realize(&self) -> Vec<&'static Registry<Object>> {
        let mut made: Vec<&'static Registry<Object>> = Vec::new();
        for (index, (parent, scope, names)) in self.nodes.iter().enumerate() {
            let name: &'static str = Box::leak(format!("n{index}").into_boxed_str());
            let mut registry = Registry::new(name).with_scope(scope);
            if let Some(parent) = parent {
                registry = registry.with_parent(made[*parent]);
            }
            let registry = registry.into_static();
            for entry in names {
                registry
                    .register_module(*entry, false, move |_| Ok(Box::new(index)))
                    .unwrap();
            }
            made.push(registry);
        }
        made
    }
}

fn outcome_of_get(registries: &[&'static Registry<Object>], node: usize, key: &str) -> Outcome {
    match registries[node].try_get(key) {
        Ok(module) => Outcome::Found(index_of(module.registry_name())),
        Err(error) => outcome_of_error(&error),
    }
}

fn outcome_of_error(error: &BuildError) -> Outcome {
    match error {
        BuildError::NotFound(_) => Outcome::NotFound,
        BuildError::UnknownScope(_) => Outcome::UnknownScope,
        BuildError::AmbiguousScope { .. } => Outcome::Ambiguous,
        other => panic!("unexpected error: {other}"),
    }
}

fn index_of(registry_name: &str) -> usize {
    registry_name[1..].parse().unwrap()
}

fn tree_strategy() -> impl Strategy<Value = Tree> {
    let node = (
        any::<prop::sample::Index>(),
        prop::sample::select(&SCOPES[..]),
        prop::collection::btree_set(prop::sample::select(&NAMES[..]), 0..3),
    );
    prop::collection::vec(node, 1..12).prop_map(|specs| {
        let mut nodes: Vec<(Option<usize>, &'static str, BTreeSet<&'static str>)> = Vec::new();
        let mut depth: Vec<usize> = Vec::new();
        for (index, (parent, scope, names)) in specs.into_iter().enumerate() {
            if index == 0 {
                nodes.push((None, scope, names));
                depth.push(1);
                continue;
            }
            // A parent among the nodes so far that keeps the depth within 5.
            let eligible: Vec<usize> = (0..index).filter(|&p| depth[p] < 5).collect();
            let parent = eligible[parent.index(eligible.len())];
            depth.push(depth[parent] + 1);
            nodes.push((Some(parent), scope, names));
        }
        Tree { nodes }
    })
}

/// A key: zero to two scope prefixes (from the alphabet or unknown) and a name.
fn key_strategy() -> impl Strategy<Value = String> {
    let scope = prop::sample::select(vec!["a", "b", "c", "d", "e", "zz"]);
    let name = prop::sample::select(vec!["X", "Y", "Z", "W", "Q"]);
    (prop::collection::vec(scope, 0..3), name).prop_map(|(scopes, name)| {
        let mut key = scopes.join(".");
        if !key.is_empty() {
            key.push('.');
        }
        key.push_str(name);
        key
    })
}

fn optional_scope() -> impl Strategy<Value = Option<&'static str>> {
    prop::option::of(prop::sample::select(vec!["a", "b", "c", "d", "e", "zz"]))
}

proptest! {
    // A fixed case count, so CI's run is the same every time and well under a minute.
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn get_and_build_agree_with_the_model(
        tree in tree_strategy(),
        queries in prop::collection::vec(
            (any::<prop::sample::Index>(), key_strategy(), optional_scope(), optional_scope()),
            1..24,
        ),
    ) {
        let registries = tree.realize();
        for (node, key, scope_key, default_scope) in queries {
            let node = node.index(registries.len());
            let expected = tree.resolve(node, &key);
            prop_assert_eq!(
                outcome_of_get(&registries, node, &key), expected.clone(),
                "get({:?}) from n{} in {:?}", key, node, tree
            );
            prop_assert_eq!(
                registries[node].get(&key).map(|m| index_of(m.registry_name())),
                match expected { Outcome::Found(index) => Some(index), _ => None }
            );

            // A build with `_scope_` and/or a default scope on this thread.
            let _default = DefaultScope::overwrite_default_scope(default_scope);
            let cfg = match scope_key {
                Some(scope) => json!({"type": key, "_scope_": scope}),
                None => json!({"type": key}),
            };
            let in_force = scope_key.or(default_scope);
            let expected = tree
                .build_target(node, in_force)
                .map(|target| tree.resolve(target, &key));
            let built = registries[node].build(&cfg);
            let actual = match built {
                Ok(value) => Ok(Outcome::Found(*value.downcast::<usize>().unwrap())),
                Err(BuildError::AmbiguousScope { .. }) if expected.is_err() => Err(Outcome::Ambiguous),
                Err(error) => Ok(outcome_of_error(&error)),
            };
            prop_assert_eq!(
                actual, expected,
                "build({}) from n{} with default scope {:?} in {:?}", cfg, node, default_scope, tree
            );
        }
    }
}
