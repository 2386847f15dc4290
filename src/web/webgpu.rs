//! WebGPU (builds with the `gpu` feature): whether the browser offers a hardware adapter,
//! and burn's wgpu device on it, initialised once per page.

use burn::tensor::Device;
use wasm_bindgen::prelude::*;

use super::{Backend, cpu_backend as cpu};
use crate::error::{Result, UfdnError};

#[wasm_bindgen(module = "/pkg/webgpu-probe.js")]
extern "C" {
    /// Why WebGPU should not be used (no API, no adapter, a software adapter), or null.
    #[wasm_bindgen(js_name = whyNotWebGpu)]
    async fn why_not_webgpu() -> JsValue;
}

thread_local! {
    /// WebGPU can be initialised once per page: the first result is kept.
    static WEBGPU: std::cell::RefCell<Option<std::result::Result<Device, String>>> = const { std::cell::RefCell::new(None) };
}

/// The WebGPU device (initialised on first use), or why it could not be opened.
async fn device() -> std::result::Result<Device, String> {
    if let Some(result) = WEBGPU.with(|w| w.borrow().clone()) {
        return result;
    }
    let result = Device::wgpu_options().init_async().await.map_err(|e| format!("{e:?}"));
    WEBGPU.with(|w| w.borrow_mut().get_or_insert(result).clone())
}

/// WebGPU; with `fall_back` (backend 'auto'), the CPU when there is no hardware adapter or
/// the device cannot be opened, else an error.
pub(super) async fn open(fall_back: bool) -> Result<Backend> {
    if fall_back && let Some(why) = why_not_webgpu().await.as_string() {
        return cpu(why);
    }
    match device().await {
        Ok(device) => Ok((device, "webgpu", None)),
        Err(e) if fall_back => cpu(format!("WebGPU could not be opened: {e}")),
        Err(e) => Err(UfdnError::Device(format!("WebGPU could not be opened ({e}): use backend 'auto' or 'cpu'"))),
    }
}
