//! Frames of any size in and out of a model: padding or resizing to what the network
//! accepts, and undoing it afterwards.

use burn::tensor::{Device, Tensor, TensorData};
use image::RgbImage;
use image::imageops::FilterType;

use crate::domain::DomainMix;
use crate::error::{Result, UfdnError};
use crate::latent::Latent;
use crate::model::Model;
use crate::model::config::ModelConfig;
use crate::pixels::{chw_to_rgb, rgb_to_chw};

/// Largest frame side accepted (keeps memory bounded on bad input).
pub const MAX_SIDE: u32 = 4096;

/// How a frame was fitted to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    /// Original width.
    pub width: u32,
    /// Original height.
    pub height: u32,
    /// Whether the frame was resized (fixed-size models) rather than padded.
    pub resized: bool,
}

/// Fits `frame` to the model: fixed-size models resize to their image size; fully
/// convolutional ones pad right and bottom (edge pixels repeated) to a multiple of the stride.
pub fn fit_frame(frame: &RgbImage, config: &ModelConfig) -> Result<(RgbImage, Fit)> {
    let (width, height) = frame.dimensions();
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(UfdnError::Input(format!(
            "image is {width}x{height}: sides must be between 1 and {MAX_SIDE} pixels"
        )));
    }
    if config.fixed_size() {
        let side = config.image_size as u32;
        let resized = image::imageops::resize(frame, side, side, FilterType::Triangle);
        return Ok((resized, Fit { width, height, resized: true }));
    }
    let stride = config.stride() as u32;
    let (pw, ph) = (width.div_ceil(stride) * stride, height.div_ceil(stride) * stride);
    let padded = RgbImage::from_fn(pw, ph, |x, y| *frame.get_pixel(x.min(width - 1), y.min(height - 1)));
    Ok((padded, Fit { width, height, resized: false }))
}

/// Undoes [`fit_frame`] on the network's output.
pub fn unfit_frame(output: &RgbImage, fit: &Fit) -> RgbImage {
    if fit.resized {
        image::imageops::resize(output, fit.width, fit.height, FilterType::Triangle)
    } else {
        image::imageops::crop_imm(output, 0, 0, fit.width, fit.height).to_image()
    }
}

/// An RGB image as a `[1, 3, height, width]` tensor in [-1, 1].
pub fn image_tensor(frame: &RgbImage, device: &Device) -> Tensor<4> {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    Tensor::from_data(TensorData::new(rgb_to_chw(frame), [1, 3, h, w]), device)
}

/// Values of a readback as f32.
pub fn data_values(data: TensorData) -> Result<Vec<f32>> {
    data.convert::<f32>().try_to_vec().map_err(|e| UfdnError::Compute(format!("readback failed: {e:?}")))
}

/// Reads a tensor back to the host synchronously (native only; browsers read back asynchronously).
#[cfg(not(target_arch = "wasm32"))]
pub fn readback<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>> {
    let data = tensor.try_into_data().map_err(|e| UfdnError::Device(format!("readback failed: {e:?}")))?;
    data_values(data)
}

/// Reads a tensor back to the host asynchronously (works on every platform, WebGPU included).
pub async fn readback_async<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>> {
    let data = tensor.into_data_async().await.map_err(|e| UfdnError::Device(format!("readback failed: {e:?}")))?;
    data_values(data)
}

/// A network output on its way back to a frame of the caller's size.
pub struct PendingFrame {
    /// The network's output, `[1, 3, height, width]`.
    pub output: Tensor<4>,
    fit: Fit,
}

impl PendingFrame {
    /// Wraps an output that must end up `fit.width`×`fit.height`.
    pub fn new(output: Tensor<4>, fit: Fit) -> Self {
        Self { output, fit }
    }

    /// Turns the read-back output values into the final frame.
    pub fn finish(&self, values: &[f32]) -> RgbImage {
        let [_, _, height, width] = self.output.dims();
        let image = chw_to_rgb(&values[..3 * height * width], width, height);
        unfit_frame(&image, &self.fit)
    }
}

/// Starts translating an RGB frame of any size into `target`; the result has the frame's size.
pub fn start_translate(model: &Model, frame: &RgbImage, target: &DomainMix) -> Result<PendingFrame> {
    let (fitted, fit) = fit_frame(frame, &model.config)?;
    Ok(PendingFrame::new(model.translate(image_tensor(&fitted, model.device()), target)?, fit))
}

/// Starts decoding a caller's latent into `target`: one frame, no larger than
/// [`MAX_SIDE`], cropped to the frame it was encoded from when the latent says which.
pub fn start_decode(model: &Model, latent: Latent, target: &DomainMix) -> Result<PendingFrame> {
    let [batch, _, h, w] = latent.shape;
    let stride = model.config.stride();
    let side = |n: usize| if model.config.fixed_size() { model.config.image_size } else { n.saturating_mul(stride) };
    let (width, height) = (side(w), side(h));
    if batch != 1 || width > MAX_SIDE as usize || height > MAX_SIDE as usize {
        return Err(UfdnError::Input(format!(
            "latent of shape {:?} would decode to {batch} frame(s) of {width}x{height}: decode takes one frame with sides of at most {MAX_SIDE}",
            latent.shape
        )));
    }
    let (w, h) = latent.frame.unwrap_or((width as u32, height as u32));
    let fit = Fit { width: w, height: h, resized: model.config.fixed_size() };
    if !fit.resized && (w as usize > width || h as usize > height) {
        return Err(UfdnError::Input(format!(
            "latent.width/height ({w}x{h}) exceed the decoded {width}x{height} frame"
        )));
    }
    let z = Tensor::<4>::from_data(TensorData::new(latent.data, latent.shape), model.device());
    Ok(PendingFrame::new(model.decode(z, target)?, fit))
}

/// Encodes an RGB frame of any size: z `[1, latent, h, w]` of the fitted frame.
pub fn encode_fitted(model: &Model, frame: &RgbImage) -> Result<Tensor<4>> {
    let (fitted, _) = fit_frame(frame, &model.config)?;
    model.encode(image_tensor(&fitted, model.device()))
}

/// Translates an RGB frame of any size into `target`, returning a frame of the same size
/// (native only: it reads back synchronously).
#[cfg(not(target_arch = "wasm32"))]
pub fn translate_frame(model: &Model, frame: &RgbImage, target: &DomainMix) -> Result<RgbImage> {
    let pending = start_translate(model, frame, target)?;
    Ok(pending.finish(&readback(pending.output.clone())?))
}
