//! The self-describing file format of weights and checkpoints.
//!
//! Layout: the 8-byte magic `UFDNPACK`, a little-endian u32 header length, a JSON header
//! (kind, model config, steps, sections with their lengths, and free-form extras), then the
//! sections' bytes back to back. Every length is checked before anything is decoded, so
//! truncated or foreign files are refused with a clear error.

use serde::{Deserialize, Serialize};

use super::config::ModelConfig;
use crate::error::{Result, UfdnError};

const MAGIC: &[u8; 8] = b"UFDNPACK";
/// Largest header accepted (guards against absurd lengths in corrupt files).
const MAX_HEADER: usize = 1 << 20;

/// Name and byte length of one section.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SectionInfo {
    name: String,
    len: usize,
}

/// The JSON header.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    /// `weights` (E and G only) or `checkpoint` (everything needed to resume).
    pub kind: String,
    /// The model configuration, domains included.
    pub config: ModelConfig,
    /// Training steps done.
    pub steps: u64,
    /// Extra data of the kind (training configuration for checkpoints).
    #[serde(default)]
    pub extra: serde_json::Value,
    sections: Vec<SectionInfo>,
}

/// A parsed file: its header and named sections.
#[derive(Debug, Clone)]
pub struct Container {
    /// The header.
    pub header: Header,
    sections: Vec<(String, Vec<u8>)>,
}

impl Container {
    /// A new container of `kind`.
    pub fn new(kind: &str, config: ModelConfig, steps: u64, extra: serde_json::Value) -> Self {
        Self { header: Header { kind: kind.into(), config, steps, extra, sections: vec![] }, sections: vec![] }
    }

    /// Adds a named section.
    pub fn push(&mut self, name: &str, bytes: Vec<u8>) {
        self.sections.push((name.into(), bytes));
    }

    /// The bytes of section `name`.
    pub fn section(&self, name: &str) -> Result<&[u8]> {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
            .ok_or_else(|| UfdnError::Weights(format!("the file has no '{name}' section")))
    }

    /// Serialises the container.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut header = self.header.clone();
        header.sections =
            self.sections.iter().map(|(name, b)| SectionInfo { name: name.clone(), len: b.len() }).collect();
        let json = serde_json::to_vec(&header).map_err(|e| UfdnError::Weights(e.to_string()))?;
        let total = 12 + json.len() + self.sections.iter().map(|(_, b)| b.len()).sum::<usize>();
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&json);
        for (_, bytes) in &self.sections {
            out.extend_from_slice(bytes);
        }
        Ok(out)
    }

    /// Parses and checks a container; errors say what is wrong with the file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let bad = |m: &str| UfdnError::Weights(format!("{m}; use a .ufdn file written by `ufdn train`"));
        if !bytes.starts_with(MAGIC) {
            let prefix = !bytes.is_empty() && MAGIC.starts_with(bytes);
            return Err(bad(if prefix { "the file is truncated (magic)" } else { "not a ufdn weights file (wrong magic bytes)" }));
        }
        if bytes.len() < 12 {
            return Err(bad("the file is truncated (header length)"));
        }
        let header_len = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
        if header_len > MAX_HEADER || 12 + header_len > bytes.len() {
            return Err(bad("the file is truncated (header)"));
        }
        let header: Header = serde_json::from_slice(&bytes[12..12 + header_len])
            .map_err(|e| bad(&format!("the header is corrupt ({e})")))?;
        header.config.validate()?;
        let mut offset = 12 + header_len;
        let mut sections = Vec::with_capacity(header.sections.len());
        for info in &header.sections {
            let end = offset.checked_add(info.len).filter(|&e| e <= bytes.len());
            let Some(end) = end else {
                return Err(bad(&format!("the file is truncated (section '{}')", info.name)));
            };
            sections.push((info.name.clone(), bytes[offset..end].to_vec()));
            offset = end;
        }
        if offset != bytes.len() {
            return Err(bad("the file has trailing bytes"));
        }
        Ok(Self { header, sections })
    }
}
