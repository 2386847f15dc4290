//! The browser API (wasm32 only): the `Translator` class exported with wasm-bindgen.
//!
//! It runs on WebGPU when the browser offers a hardware adapter and on burn's flex CPU
//! backend otherwise (a software adapter such as SwiftShader counts as none: the CPU path is
//! faster there), unless the caller asks for one. Every method returns a `Result`, so
//! failures reach JavaScript as exceptions with a message and the translator stays usable
//! afterwards. A panic, should one happen all the same, is reported by a hook before the
//! module aborts (the package's worker then starts a fresh instance).

mod convert;
#[cfg(feature = "gpu")]
mod webgpu;

use std::rc::Rc;

use burn::tensor::Device;
use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::{Result, UfdnError};
use crate::frame::{encode_fitted, margin_of, readback_async, start_decode, start_translate};
use crate::latent::Latent;
use crate::model::Model;
use crate::model::container::unchecked_warning;
use convert::{image_from_js, image_to_js, latent_from_js, latent_to_js, target_from_js};
/// `initThreadPool(n)`: starts `n` Web Workers sharing this module's memory, on which
/// burn-flex's kernels run (the threaded build only; the page must be cross-origin isolated).
#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn fetch_default_weights() -> std::result::Result<JsValue, JsValue>;
    fn report_panic(message: &str);
}

/// Installs (once) a panic hook that hands the message to JavaScript before the module aborts.
fn install_panic_hook() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| std::panic::set_hook(Box::new(|info| report_panic(&info.to_string()))));
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** RGBA pixels: an ImageData or any object with the same fields. */
export type ImageLike = ImageData | { data: Uint8ClampedArray | Uint8Array; width: number; height: number };
/** A domain name, or non-negative weights per domain (normalised to sum to 1). */
export type Target = string | Record<string, number>;
/** A latent code as returned by encode(); width/height are the encoded frame's size. */
/** A latent code: `data` in `shape` [1, channels, h, w] order, and the size of the frame it
 * was encoded from. encode fits the frame with `info().margin` px of mirrored frame on every
 * side; decode crops the frame back out from that far in from the top left. */
export interface Latent { data: Float32Array; shape: number[]; width?: number; height?: number }
/** Options of Translator.create: which backend to run on (default 'auto') and, through the
 * package's worker on a cross-origin isolated page, how many CPU threads (default: every core). */
export interface CreateOptions { backend?: 'auto' | 'webgpu' | 'cpu'; threads?: number }
/** Facts about the loaded model. */
export interface ModelInfo { preset: string; parameters: number; steps: number; imageSize: number; stride: number; fixedSize: boolean; margin: number }
"#;

fn js_error(error: UfdnError) -> JsValue {
    JsError::new(&error.to_string()).into()
}

/// A device, its name for JavaScript, and why WebGPU is not in use (None when it is).
pub(crate) type Backend = (Device, &'static str, Option<String>);

/// Which backend `Translator.create` should use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BackendChoice {
    /// WebGPU on a hardware adapter, else the CPU.
    Auto,
    /// WebGPU on whatever adapter the browser offers (an error without one).
    WebGpu,
    /// The CPU.
    Cpu,
}

impl BackendChoice {
    /// Reads `options.backend` (absent: auto).
    fn from_options(options: &JsValue) -> Result<Self> {
        if options.is_undefined() || options.is_null() {
            return Ok(Self::Auto);
        }
        let value = js_sys::Reflect::get(options, &"backend".into()).unwrap_or(JsValue::UNDEFINED);
        match value.as_string().as_deref() {
            None if value.is_undefined() => Ok(Self::Auto),
            Some("auto") => Ok(Self::Auto),
            Some("webgpu") => Ok(Self::WebGpu),
            Some("cpu") => Ok(Self::Cpu),
            _ => Err(UfdnError::Input(format!("options.backend is {value:?}: use 'auto', 'webgpu' or 'cpu'"))),
        }
    }
}

/// The CPU backend, used because of `why`.
fn cpu_backend(why: impl Into<String>) -> Result<Backend> {
    Ok((Device::flex(), "cpu", Some(why.into())))
}

/// Opens the backend `choice` asks for.
async fn open_backend(choice: BackendChoice) -> Result<Backend> {
    let cpu = cpu_backend;
    match choice {
        BackendChoice::Cpu => cpu("the CPU backend was requested"),
        #[cfg(feature = "gpu")]
        BackendChoice::WebGpu | BackendChoice::Auto => webgpu::open(choice == BackendChoice::Auto).await,
        #[cfg(not(feature = "gpu"))]
        BackendChoice::Auto => cpu("this is the CPU-only threaded build"),
        #[cfg(not(feature = "gpu"))]
        BackendChoice::WebGpu => Err(UfdnError::Device(
            "this is the CPU-only threaded build: load ufdn.js for WebGPU, or use backend 'cpu'".into(),
        )),
    }
}

struct Inner {
    model: Model,
    backend: &'static str,
    fallback_reason: Option<String>,
}

/// A UFDN translator: translates images between the domains of its model, or into any mix.
#[wasm_bindgen]
pub struct Translator {
    inner: Rc<Inner>,
}

impl Inner {
    async fn translate(&self, image: JsValue, target: JsValue) -> Result<JsValue> {
        let frame = image_from_js(&image)?;
        let mix = target_from_js(&target, self.model.domains())?;
        let pending = start_translate(&self.model, &frame, &mix)?;
        let values = readback_async(pending.output.clone()).await?;
        Ok(image_to_js(&pending.finish(&values))?.into())
    }

    async fn encode(&self, image: JsValue) -> Result<JsValue> {
        let frame = image_from_js(&image)?;
        let z = encode_fitted(&self.model, &frame)?;
        let shape = z.dims();
        let data = readback_async(z).await?;
        Ok(latent_to_js(&Latent { data, shape, frame: Some(frame.dimensions()) }))
    }

    async fn decode(&self, latent: JsValue, target: JsValue) -> Result<JsValue> {
        let latent = latent_from_js(&latent)?;
        let mix = target_from_js(&target, self.model.domains())?;
        let pending = start_decode(&self.model, latent, &mix)?;
        let values = readback_async(pending.output.clone()).await?;
        Ok(image_to_js(&pending.finish(&values))?.into())
    }
}

/// Runs `work` on the translator's state and returns a Promise of its result.
fn spawn<F, Fut>(inner: &Rc<Inner>, work: F) -> Promise
where
    F: FnOnce(Rc<Inner>) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<JsValue>> + 'static,
{
    let inner = inner.clone();
    future_to_promise(async move { work(inner).await.map_err(js_error) })
}

#[wasm_bindgen]
impl Translator {
    /// Loads a model (the package's default model when `weights` is omitted) on the backend
    /// that `options.backend` names: `'auto'` (default: WebGPU on a hardware adapter, else
    /// the CPU), `'webgpu'` or `'cpu'`.
    pub async fn create(
        weights: Option<Uint8Array>,
        #[wasm_bindgen(unchecked_param_type = "CreateOptions | undefined")] options: JsValue,
    ) -> std::result::Result<Translator, JsValue> {
        install_panic_hook();
        let choice = BackendChoice::from_options(&options).map_err(js_error)?;
        let bytes = match weights {
            Some(array) => array.to_vec(),
            None => Uint8Array::new(&fetch_default_weights().await?).to_vec(),
        };
        let (device, backend, fallback_reason) = open_backend(choice).await.map_err(js_error)?;
        let model = Model::from_bytes(&bytes, &device).map_err(js_error)?;
        if let Some(warning) = unchecked_warning(&bytes) {
            web_sys::console::warn_1(&format!("ufdn: the weights loaded, but {warning}").into());
        }
        Ok(Translator { inner: Rc::new(Inner { model, backend, fallback_reason }) })
    }

    /// `"webgpu"` or `"cpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.inner.backend.to_string()
    }

    /// Why WebGPU is not in use (undefined when it is).
    #[wasm_bindgen(getter, js_name = fallbackReason)]
    pub fn fallback_reason(&self) -> Option<String> {
        self.inner.fallback_reason.clone()
    }

    /// The model's domain names, in code order.
    pub fn domains(&self) -> Vec<String> {
        self.inner.model.domains().to_vec()
    }

    /// Model facts: `{preset, parameters, steps, imageSize, stride, fixedSize, margin}`
    /// (margin: pixels of mirrored frame around every side of a translated frame).
    #[wasm_bindgen(unchecked_return_type = "ModelInfo")]
    pub fn info(&self) -> JsValue {
        let model = &self.inner.model;
        let object = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&object, &k.into(), &v);
        };
        set("preset", model.config.preset.clone().into());
        set("parameters", (model.num_params() as f64).into());
        set("steps", (model.steps as f64).into());
        set("imageSize", (model.config.image_size as f64).into());
        set("stride", (model.config.stride() as f64).into());
        set("fixedSize", model.config.fixed_size().into());
        set("margin", f64::from(margin_of(&model.config)).into());
        object.into()
    }

    /// Translates an `ImageData` (or `{data, width, height}`) into `target`: a domain name or
    /// a mix such as `{sketch: 0.3, paint: 0.7}`. Resolves to an `ImageData` of the input's size.
    #[wasm_bindgen(unchecked_return_type = "Promise<ImageData>")]
    pub fn translate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ImageLike")] image: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
    ) -> Promise {
        spawn(&self.inner, |inner| async move { inner.translate(image, target).await })
    }

    /// Encodes an image: resolves to `{data: Float32Array, shape, width, height}`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Latent>")]
    pub fn encode(&self, #[wasm_bindgen(unchecked_param_type = "ImageLike")] image: JsValue) -> Promise {
        spawn(&self.inner, |inner| async move { inner.encode(image).await })
    }

    /// Decodes a latent from `encode` into `target`; resolves to an `ImageData`.
    #[wasm_bindgen(unchecked_return_type = "Promise<ImageData>")]
    pub fn decode(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Latent")] latent: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
    ) -> Promise {
        spawn(&self.inner, |inner| async move { inner.decode(latent, target).await })
    }
}

/// Panics on purpose. Hidden and for tests only: it shows that a panic is reported with its
/// message and that the package's worker recovers from the aborted instance.
#[doc(hidden)]
#[wasm_bindgen(js_name = "__debugPanic", skip_typescript)]
pub fn debug_panic() {
    install_panic_hook();
    panic!("deliberate panic from __debugPanic (crash-recovery test)");
}
