//! Choice of compute device: burn's flex CPU backend or wgpu.

use burn::tensor::Device;

use crate::error::{Result, UfdnError};

/// Opens a device by name: `flex` (CPU, default) or `wgpu` (Vulkan/Metal/DX12 GPU,
/// or Mesa's lavapipe on machines without one).
pub fn open_device(name: &str) -> Result<Device> {
    match name {
        "flex" | "cpu" => Ok(Device::flex()),
        "wgpu" => Device::wgpu_options().init().map_err(|e| {
            UfdnError::Device(format!(
                "no usable wgpu adapter ({e:?}); install a Vulkan driver (Debian: mesa-vulkan-drivers) or use --device flex"
            ))
        }),
        other => Err(UfdnError::Input(format!("unknown device '{other}': use flex or wgpu"))),
    }
}
