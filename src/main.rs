//! The `ufdn` command-line tool.

use std::process::ExitCode;

fn main() -> ExitCode {
    // burn allocates some internal state (restored optimizer moments) on its default device,
    // which would be the GPU whenever wgpu is compiled in; keep that on the CPU unless the
    // user says otherwise. The compute device itself is chosen with --device.
    if std::env::var_os("BURN_DEVICE").is_none() {
        // SAFETY: nothing else runs yet: no other thread can read the environment.
        unsafe { std::env::set_var("BURN_DEVICE", "flex") };
    }
    // A bug must still end in one line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        eprintln!("error: internal error ({message}); please report it");
    }));
    match ufdn::cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
