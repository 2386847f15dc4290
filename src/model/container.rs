//! The self-describing file format of weights and checkpoints.
//!
//! Layout: the 8-byte magic `UFDNPAK2`, a little-endian u32 header length, the CRC-32 of
//! the header (u32), a JSON header (kind, model config, steps, sections with their lengths
//! and CRC-32s, and free-form extras), then the sections' bytes back to back. Every length
//! is checked before anything is decoded, and every checksum before anything is parsed, so
//! truncated, corrupt or foreign files are refused with an error that names the part.
//! Files of the first layout (magic `UFDNPACK`, no checksum word, no section checksums)
//! still load, marked as unchecked.

use serde::{Deserialize, Serialize};

use super::config::ModelConfig;
use crate::error::{Result, UfdnError};

const MAGIC: &[u8; 8] = b"UFDNPAK2";
/// Magic of the first layout, without checksums.
const LEGACY_MAGIC: &[u8; 8] = b"UFDNPACK";
/// Largest header accepted (guards against absurd lengths in corrupt files).
const MAX_HEADER: usize = 1 << 20;

/// Name and byte length of one section.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SectionInfo {
    name: String,
    len: usize,
    /// CRC-32 of the section's bytes (absent in the first layout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crc32: Option<u32>,
}

/// What a `.ufdn` file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// E and G only: what translation needs.
    Weights,
    /// Every network, every optimiser state and the training configuration: what
    /// `--resume` needs.
    Checkpoint,
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Weights => "weights",
            Self::Checkpoint => "checkpoint",
        })
    }
}

/// The JSON header.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    /// What the file holds.
    pub kind: FileKind,
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
    pub fn new(kind: FileKind, config: ModelConfig, steps: u64, extra: serde_json::Value) -> Self {
        let header = Header { kind, config, steps, extra, sections: vec![] };
        Self { header, sections: vec![] }
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
        header.sections = self
            .sections
            .iter()
            .map(|(name, b)| SectionInfo { name: name.clone(), len: b.len(), crc32: Some(crc32fast::hash(b)) })
            .collect();
        let json = serde_json::to_vec(&header).map_err(|e| UfdnError::Weights(e.to_string()))?;
        let total = 16 + json.len() + self.sections.iter().map(|(_, b)| b.len()).sum::<usize>();
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&json).to_le_bytes());
        out.extend_from_slice(&json);
        for (_, bytes) in &self.sections {
            out.extend_from_slice(bytes);
        }
        Ok(out)
    }

    /// Parses and checks a container; errors say what is wrong with the file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let bad =
            |m: &str| UfdnError::Weights(format!("{m}; use a .ufdn file written by `ufdn train` or `ufdn export`"));
        let checksummed = bytes.starts_with(MAGIC);
        if !checksummed && !bytes.starts_with(LEGACY_MAGIC) {
            let prefix = !bytes.is_empty() && (MAGIC.starts_with(bytes) || LEGACY_MAGIC.starts_with(bytes));
            return Err(bad(if prefix {
                "the file is truncated (magic)"
            } else {
                "not a ufdn weights file (wrong magic bytes)"
            }));
        }
        let start = if checksummed { 16 } else { 12 };
        if bytes.len() < start {
            return Err(bad("the file is truncated (header length)"));
        }
        let word = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let header_len = word(8) as usize;
        if header_len > MAX_HEADER || start + header_len > bytes.len() {
            return Err(bad("the file is truncated (header)"));
        }
        let json = &bytes[start..start + header_len];
        if checksummed && crc32fast::hash(json) != word(12) {
            return Err(corrupt("the header"));
        }
        let header: Header = serde_json::from_slice(json).map_err(|e| bad(&format!("the header is corrupt ({e})")))?;
        header.config.validate()?;
        let mut offset = start + header_len;
        let mut sections = Vec::with_capacity(header.sections.len());
        for info in &header.sections {
            let end = offset.checked_add(info.len).filter(|&e| e <= bytes.len());
            let Some(end) = end else {
                return Err(bad(&format!("the file is truncated (section '{}')", info.name)));
            };
            let section = &bytes[offset..end];
            if checksummed && info.crc32 != Some(crc32fast::hash(section)) {
                return Err(corrupt(&format!("section '{}'", info.name)));
            }
            sections.push((info.name.clone(), section.to_vec()));
            offset = end;
        }
        if offset != bytes.len() {
            return Err(bad("the file has trailing bytes"));
        }
        Ok(Self { header, sections })
    }
}

/// The error for a part of a file whose checksum does not match.
fn corrupt(part: &str) -> UfdnError {
    UfdnError::Weights(format!(
        "{part} fails its checksum: the file is corrupt (damaged in storage or transfer); download or export it again"
    ))
}

/// For the bytes of a file that loaded, a warning when it is of the first layout: it has
/// no checksums, so damage to it cannot be detected.
pub fn unchecked_warning(bytes: &[u8]) -> Option<&'static str> {
    (!bytes.starts_with(MAGIC)).then_some(
        "the file has no checksums (it was written before they were added), so damage cannot be detected; re-export it with `ufdn export`",
    )
}
