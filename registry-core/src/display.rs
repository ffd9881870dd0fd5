//! `Display` for a registry: MMEngine's table of names and objects.

use std::fmt;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;

use crate::registry::Registry;

impl<T: ?Sized + 'static> fmt::Display for Registry<T> {
    /// A table titled `Registry of <name>` with the columns `Names` and `Objects` (the Rust
    /// path of each registered item), one row per name, sorted by name. A name registered
    /// twice without `force` lists every item.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        let snapshot = state.snapshot();
        let mut rows: Vec<(&str, String)> = snapshot
            .map
            .iter()
            .map(|(name, slot)| {
                let objects = slot
                    .entries()
                    .iter()
                    .map(|entry| entry.type_name)
                    .collect::<Vec<_>>()
                    .join(", ");
                (*name, objects)
            })
            .collect();
        rows.sort();
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_header(["Names", "Objects"]);
        for (name, objects) in rows {
            table.add_row([name, objects.as_str()]);
        }
        let body = table.to_string();
        let width = body
            .lines()
            .map(|line| line.chars().count())
            .max()
            .unwrap_or(0);
        writeln!(f, "{:^width$}", format!("Registry of {}", self.name()))?;
        write!(f, "{body}")
    }
}
