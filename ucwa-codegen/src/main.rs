//! `ucwa-codegen`: generate the bindings from a schema directory, or only check it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ucwa_codegen::model::{LinkKind, Schema};
use ucwa_codegen::{Builder, Generated};

#[derive(Parser)]
#[command(
    name = "ucwa-codegen",
    version,
    about = "Generate typed UCWA 2.0 bindings from a schema"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the bindings into a directory (or to stdout) and print a summary.
    Generate {
        /// The schema directory, holding `resources/` and `enumerations/`.
        #[arg(long, default_value = "schema")]
        schema: PathBuf,
        /// Write `ucwa.rs` into this directory (created if needed).
        #[arg(long, conflicts_with = "stdout", required_unless_present = "stdout")]
        out: Option<PathBuf>,
        /// Print the generated source to stdout instead.
        #[arg(long)]
        stdout: bool,
        /// Put each area's resources behind a cargo feature of its name (as `ucwa` does).
        #[arg(long)]
        features_per_area: bool,
    },
    /// Validate the schema and report every problem, generating nothing.
    Check {
        /// The schema directory, holding `resources/` and `enumerations/`.
        #[arg(long, default_value = "schema")]
        schema: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Check { schema } => {
            let schema = Builder::new()
                .schema_dir(schema)
                .check()
                .map_err(|e| e.to_string())?;
            eprintln!("schema is valid: {}", counts(&schema));
            Ok(())
        }
        Command::Generate {
            schema,
            out,
            stdout,
            features_per_area,
        } => {
            let builder = Builder::new()
                .schema_dir(schema)
                .features_per_area(features_per_area);
            let Generated { source, schema } = builder.render().map_err(|e| e.to_string())?;
            let lines = source.lines().count();
            match out {
                Some(dir) if !stdout => {
                    let path = dir.join("ucwa.rs");
                    let wrote = ucwa_codegen::write_if_changed(&path, &source)
                        .map_err(|e| format!("error: {}: cannot write: {e}", path.display()))?;
                    eprintln!(
                        "{} {} ({lines} lines)",
                        if wrote { "wrote" } else { "unchanged" },
                        path.display()
                    );
                }
                _ => print!("{source}"),
            }
            eprintln!("generated {}", counts(&schema));
            for resource in &schema.resources {
                eprintln!(
                    "  resource {:<24} {:>3} properties {:>3} links {:>2} embedded {:>2} operations {:>2} events",
                    resource.name,
                    resource.properties.len(),
                    resource.links.len(),
                    resource.embedded.len(),
                    resource.operations.len(),
                    resource.events.len(),
                );
            }
            for e in &schema.enumerations {
                eprintln!(
                    "  enumeration {:<21} {:>3} members",
                    e.name,
                    e.members.len()
                );
            }
            Ok(())
        }
    }
}

fn counts(schema: &Schema) -> String {
    let properties: usize = schema.resources.iter().map(|r| r.properties.len()).sum();
    let links: usize = schema.resources.iter().map(|r| r.links.len()).sum();
    let data_links = schema
        .resources
        .iter()
        .flat_map(|r| &r.links)
        .filter(|l| matches!(l.kind, LinkKind::Data { .. }))
        .count();
    let operations: usize = schema.resources.iter().map(|r| r.operations.len()).sum();
    format!(
        "{} resources ({properties} properties, {links} links of which {data_links} data, {operations} operations), {} enumerations",
        schema.resources.len(),
        schema.enumerations.len()
    )
}
