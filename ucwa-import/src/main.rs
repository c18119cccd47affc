//! `cargo run -p ucwa-import -- stats`: what the importer reads from the reference pages.

use std::collections::BTreeSet;
use std::path::PathBuf;
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prints what was read: pages, rows, operations, samples, the samples that do not parse,
    /// the properties no evidence types, and every problem.
    Stats,
    /// Writes the schema files the pages give into `--out` (a folder with `resources/` and
    /// `enumerations/`).
    Write {
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli
        .reference
        .unwrap_or_else(ucwa_import::default_reference_dir);
    let reference = match Reference::load(&dir) {
        Ok(reference) => reference,
        Err(e) => {
            eprintln!("ucwa-import: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Stats => stats(&reference),
        Command::Write { out } => {
            let imported = ucwa_import::schema::import(&reference);
            for (path, text) in &imported.files {
                let path = out.join(path);
                if let Some(dir) = path.parent()
                    && let Err(e) = std::fs::create_dir_all(dir)
                {
                    eprintln!("ucwa-import: {}: {e}", dir.display());
                    return ExitCode::FAILURE;
                }
                if let Err(e) = std::fs::write(&path, text) {
                    eprintln!("ucwa-import: {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            }
            println!(
                "wrote {} files to {} ({} properties untyped)",
                imported.files.len(),
                out.display(),
                imported.untyped.len()
            );
        }
    }
    ExitCode::SUCCESS
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
    let enumerations: BTreeSet<String> = reference
        .enumerations
        .iter()
        .map(|e| e.name.clone())
        .collect();
    let (mut by_enumeration, mut by_samples, mut untyped) = (0, 0, Vec::new());
    for page in &reference.resources {
        for property in &page.properties {
            let values = seen
                .resources
                .get(&page.name)
                .and_then(|o| o.properties.get(&property.name))
                .map(Vec::as_slice)
                .unwrap_or_default();
            match infer::property_type(&property.refs, &enumerations, values) {
                Some((_, Evidence::Enumeration)) => by_enumeration += 1,
                Some((_, Evidence::Samples)) => by_samples += 1,
                None => untyped.push(format!("{}.{}", page.name, property.name)),
            }
        }
    }
    println!(
        "property types: {by_enumeration} from enumerations, {by_samples} from samples, {} untyped",
        untyped.len()
    );
    for name in untyped {
        println!("untyped: {name}");
    }
    for problem in &reference.problems {
        println!("problem: {problem}");
    }
}
