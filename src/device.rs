//! Choice of compute device: burn's flex CPU backend or wgpu.

use std::sync::OnceLock;

use burn::tensor::Device;

use crate::error::{Result, UfdnError};

/// wgpu can be initialised once per process; every caller shares the outcome.
static WGPU: OnceLock<std::result::Result<Device, String>> = OnceLock::new();

/// Opens a device by name: `flex` (CPU, default) or `wgpu` (Vulkan/Metal/DX12 GPU,
/// or Mesa's lavapipe on machines without one).
pub fn open_device(name: &str) -> Result<Device> {
    match name {
        "flex" | "cpu" => Ok(Device::flex()),
        "wgpu" => WGPU.get_or_init(|| Device::wgpu_options().init().map_err(|e| format!("{e:?}"))).clone().map_err(|e| {
            UfdnError::Device(format!(
                "no usable wgpu adapter ({e}); install a Vulkan driver (Debian: mesa-vulkan-drivers) or use --device flex"
            ))
        }),
        other => Err(UfdnError::Input(format!("unknown device '{other}': use flex or wgpu"))),
    }
}
