//! Choice of compute device: burn's flex CPU backend or wgpu.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::error::{Result, UfdnError};

/// wgpu can be initialised once per process; every caller shares the outcome.
#[cfg(feature = "gpu")]
static WGPU: std::sync::OnceLock<std::result::Result<Device, String>> = std::sync::OnceLock::new();

/// A compute device ufdn runs on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    /// burn's flex backend on the CPU.
    #[default]
    #[serde(alias = "cpu")]
    #[value(alias = "cpu")]
    Flex,
    /// A GPU through wgpu (Vulkan, Metal or DX12; Mesa's lavapipe on machines without one).
    Wgpu,
}

impl std::fmt::Display for DeviceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Flex => "flex",
            Self::Wgpu => "wgpu",
        })
    }
}

impl DeviceKind {
    /// Opens the device; a missing GPU gets an error that says what to install or use.
    pub fn open(self) -> Result<Device> {
        match self {
            Self::Flex => Ok(Device::flex()),
            Self::Wgpu => open_wgpu(),
        }
    }
}

#[cfg(feature = "gpu")]
fn open_wgpu() -> Result<Device> {
    WGPU.get_or_init(|| Device::wgpu_options().init().map_err(|e| format!("{e:?}"))).clone().map_err(|e| {
        UfdnError::Device(format!(
            "no usable wgpu adapter ({e}); install a Vulkan driver (Debian: mesa-vulkan-drivers) or use --device flex"
        ))
    })
}

#[cfg(not(feature = "gpu"))]
fn open_wgpu() -> Result<Device> {
    Err(UfdnError::Device("this ufdn was built without its `gpu` feature (wgpu); use --device flex".into()))
}

/// The `--device` argument of every command that runs a model.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct DeviceArg {
    /// Compute device: flex (CPU) or wgpu (GPU) [default: flex, or the training config's].
    #[arg(long, value_enum)]
    pub device: Option<DeviceKind>,
}

impl DeviceArg {
    /// The chosen device, flex unless given.
    pub fn kind(&self) -> DeviceKind {
        self.device.unwrap_or_default()
    }
}
