//! The crate's error type: every user-facing failure is one of these, with a
//! message that says what to do.

use thiserror::Error;

/// Errors raised by ufdn's library functions.
#[derive(Debug, Error)]
pub enum UfdnError {
    /// Invalid user input: a bad image, an unknown domain, a bad mix, bad options.
    #[error("{0}")]
    Input(String),
    /// A weights or checkpoint file that cannot be read as ufdn weights.
    #[error("invalid weights: {0}")]
    Weights(String),
    /// A file-system failure, with the path involved.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder involved.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A result that could not be written (an image, a report, a manifest).
    #[error("{0}")]
    Output(String),
    /// A computation that failed on the device (a tensor that could not be read back).
    #[error("computation failed: {0}")]
    Compute(String),
    /// An external program (apt, pip, ffmpeg) that could not run or failed.
    #[error("{0}")]
    Tool(String),
    /// A compute device that could not be initialised.
    #[error("device: {0}")]
    Device(String),
}

impl UfdnError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Self::Io { path: path.as_ref().display().to_string(), source }
    }

    /// The same error, a weights error naming the file it was read from.
    pub fn in_file(self, path: &std::path::Path) -> Self {
        match self {
            Self::Weights(message) => Self::Weights(format!("{}: {message}", path.display())),
            other => other,
        }
    }
}

/// Result with [`UfdnError`].
pub type Result<T> = std::result::Result<T, UfdnError>;
