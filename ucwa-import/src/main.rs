//! The importer's commands:
//!
//! - `cargo run -p ucwa-import -- import`: writes `schema/` from the reference pages and the
//!   overrides file;
//! - `cargo run -p ucwa-import -- check`: fails when `schema/` differs from what `import`
//!   would write (CI runs it);
//! - `cargo run -p ucwa-import -- stats`: what was read, what does not parse, what is untyped.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ucwa_import::Reference;
use ucwa_import::infer::{self, Evidence};
use ucwa_import::observe::Observations;

#[derive(Parser)]
#[command(
    name = "ucwa-import",
    about = "Turns the UCWA 2.0 reference pages into schema/"
)]
struct Cli {
    /// The folder of `*_ref.md` pages (default: ../shared/ucwa-docs/reference beside the
    /// repository).
    #[arg(long, global = true)]
    reference: Option<PathBuf>,
    /// The schema folder (default: the repository's `schema/`).
    #[arg(long, global = true)]
    schema: Option<PathBuf>,
    /// The overrides file (default: `ucwa-import/overrides.json`).
    #[arg(long, global = true)]
    overrides: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes `resources/` and `enumerations/` of the schema folder (files that changed only;
    /// files the import no longer makes are removed).
    Import,
    /// Fails, naming the files, when the schema folder differs from what `import` writes.
    Check,
    /// Prints what was read: pages, rows, operations, samples, the samples that do not parse,
    /// the properties no evidence types, and every problem.
    Stats,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("ucwa-import: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = cli
        .reference
        .unwrap_or_else(ucwa_import::default_reference_dir);
    let schema_dir = cli.schema.unwrap_or_else(|| manifest.join("../schema"));
    let overrides_file = cli
        .overrides
        .unwrap_or_else(|| manifest.join("overrides.json"));
    let reference = Reference::load(&dir).map_err(|e| e.to_string())?;
    if let Command::Stats = cli.command {
        stats(&reference);
        return Ok(ExitCode::SUCCESS);
    }
    let overrides = ucwa_import::overrides::load(&overrides_file)?;
    let imported = ucwa_import::schema::import(&reference, &overrides);
    if !imported.errors.is_empty() {
        for error in &imported.errors {
            eprintln!("error: {error}");
        }
        return Err(format!(
            "{} problems; nothing was written (see {})",
            imported.errors.len(),
            overrides_file.display()
        ));
    }
    let diff = ucwa_import::files::diff(&schema_dir, &imported.files)?;
    match cli.command {
        Command::Import => {
            ucwa_import::files::apply(&schema_dir, &imported.files, &diff)?;
            println!(
                "{}: {} files, {} written, {} removed",
                schema_dir.display(),
                imported.files.len(),
                diff.changed.len(),
                diff.stale.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            if diff.is_empty() {
                println!(
                    "{} is what the reference and the overrides give ({} files)",
                    schema_dir.display(),
                    imported.files.len()
                );
                return Ok(ExitCode::SUCCESS);
            }
            for file in &diff.changed {
                eprintln!("differs: {file}");
            }
            for file in &diff.stale {
                eprintln!("not made by the import: {file}");
            }
            Err(format!(
                "{} differs from the import: run `cargo run -p ucwa-import -- import`, and put any hand edit in {} with its reason",
                schema_dir.display(),
                overrides_file.display()
            ))
        }
        Command::Stats => unreachable!("handled above"),
    }
}

fn stats(reference: &Reference) {
    println!("{}", reference.counts());
    for unparsed in reference.unparsed_samples() {
        println!(
            "sample that does not parse: {} {} {}: {}",
            unparsed.page, unparsed.method, unparsed.format, unparsed.error
        );
    }
    let seen = Observations::gather(reference);
    let enumerations = reference.enumeration_members();
    let (mut by_enumeration, mut by_samples, mut other) = (0, 0, 0);
    for page in &reference.resources {
        for property in &page.properties {
            let values = seen
                .resources
                .get(&page.name)
                .and_then(|o| o.properties.get(&property.name))
                .map(Vec::as_slice)
                .unwrap_or_default();
            match infer::property_type(
                &page.name,
                &property.name,
                &property.refs,
                &enumerations,
                values,
            ) {
                Some((_, Evidence::Enumeration | Evidence::EnumerationName)) => by_enumeration += 1,
                Some((_, Evidence::Samples)) => by_samples += 1,
                None => other += 1,
            }
        }
    }
    println!(
        "property types: {by_enumeration} from enumerations, {by_samples} from the resource's samples, {other} from elsewhere (a data link, the same name on other pages, or the overrides)"
    );
    for problem in &reference.problems {
        println!("problem: {problem}");
    }
}
