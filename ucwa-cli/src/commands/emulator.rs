//! `ucwa emulator`: the embedded emulator served until Ctrl-C.

use crate::cli::EmulatorArgs;
use crate::connect::{self, EMULATOR_PASSWORD};
use crate::failure::Failure;

/// Serves until Ctrl-C, printing how to sign in to it.
pub async fn serve(args: &EmulatorArgs) -> Result<(), Failure> {
    let emulator = connect::start_emulator(args.listen).await?;
    let root = connect::emulator_root(&emulator);
    println!(
        "The UCWA emulator serves at {} (Ctrl-C stops it).",
        emulator.origin()
    );
    println!(
        "Users: lene@contoso.com, ann@contoso.com, john@contoso.com; password {EMULATOR_PASSWORD}"
    );
    println!("Sign in to it with:");
    println!("  ucwa --discovery-url {root} --insecure-http login lene@contoso.com");
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    Ok(())
}
