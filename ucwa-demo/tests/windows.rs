//! `ucwa-demo --windows`: the embedded emulator signed in with the Windows grant (NTLM).

use std::process::Command;

#[test]
fn signs_in_with_the_windows_grant_in_both_formats() {
    for format in ["json", "xml"] {
        let output = Command::new(env!("CARGO_BIN_EXE_ucwa-demo"))
            .args(["--windows", "--format", format])
            .env_remove("UCWA_TOKEN")
            .output()
            .expect("the demo runs");
        let stdout = String::from_utf8(output.stdout).unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(output.status.success(), "{format}: {stderr}");
        assert!(
            stderr.contains(
                "https://lyncdiscoverinternal.contoso.com asks for a token; using the Windows (NTLM) grant"
            ),
            "{stderr}"
        );
        assert!(
            stderr.contains(
                "got a token for https://lyncdiscoverinternal.contoso.com, valid 28800 s"
            ),
            "{stderr}"
        );
        assert!(!stderr.contains("pass@word1"), "{stderr}");
        assert!(
            stdout.starts_with("audioVideoInvitation /ucwa/oauth/v1/applications/"),
            "{stdout}"
        );
    }
}
