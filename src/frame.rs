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

/// Pixels of mirrored frame that [`start_translate`] puts around every side of a frame for
/// fully convolutional models, and crops off afterwards. The network's zero padding then
/// falls on the mirrored margin, and the frame's own edge is drawn like its inside.
pub const EDGE_MARGIN: u32 = 2;

/// The margin that [`start_translate`], [`encode_fitted`] and [`start_decode`] use for
/// `config`'s model: [`EDGE_MARGIN`], or 0 for fixed-size models (which resize frames).
pub fn margin_of(config: &ModelConfig) -> u32 {
    if config.fixed_size() { 0 } else { EDGE_MARGIN }
}

/// How a frame was fitted to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    /// Original width.
    pub width: u32,
    /// Original height.
    pub height: u32,
    /// Whether the frame was resized (fixed-size models) rather than padded.
    pub resized: bool,
    /// Pixels of mirrored margin left of and above the frame (0 when resized).
    pub margin: u32,
}

/// Index `i` of a row of `n` pixels, mirrored at both ends (`-1` → `1`, `n` → `n - 2`).
fn mirror(i: i64, n: u32) -> u32 {
    let period = 2 * (i64::from(n) - 1);
    if period == 0 {
        return 0;
    }
    let folded = i.rem_euclid(period);
    (if folded < i64::from(n) { folded } else { period - folded }) as u32
}

/// Fits `frame` to the model: fixed-size models resize to their image size; fully
/// convolutional ones put `margin` pixels of mirrored frame on every side, then more on the
/// right and bottom up to a multiple of the stride.
pub fn fit_frame(frame: &RgbImage, config: &ModelConfig, margin: u32) -> Result<(RgbImage, Fit)> {
    let (width, height) = frame.dimensions();
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(UfdnError::Input(format!(
            "image is {width}x{height}: sides must be between 1 and {MAX_SIDE} pixels"
        )));
    }
    if config.fixed_size() {
        let side = config.image_size as u32;
        let resized = image::imageops::resize(frame, side, side, FilterType::Triangle);
        return Ok((resized, Fit { width, height, resized: true, margin: 0 }));
    }
    let (fitted_width, fitted_height) = fitted_size(config, width, height, margin);
    let at = |i: u32, n: u32| mirror(i64::from(i) - i64::from(margin), n);
    let padded = RgbImage::from_fn(fitted_width, fitted_height, |x, y| *frame.get_pixel(at(x, width), at(y, height)));
    Ok((padded, Fit { width, height, resized: false, margin }))
}

/// The sides of the network input that [`fit_frame`] makes of a `width`×`height` frame.
pub fn fitted_size(config: &ModelConfig, width: u32, height: u32, margin: u32) -> (u32, u32) {
    if config.fixed_size() {
        let side = config.image_size as u32;
        return (side, side);
    }
    let stride = config.stride() as u32;
    let fitted = |side: u32| (side + 2 * margin).div_ceil(stride) * stride;
    (fitted(width), fitted(height))
}

/// FLOPs of translating a `width`×`height` frame as [`start_translate`] does, its margin and
/// stride padding included, or None when the frame does not fit the encoder.
pub fn frame_flops(config: &ModelConfig, width: u32, height: u32) -> Option<f64> {
    let (w, h) = fitted_size(config, width, height, margin_of(config));
    config.translate_flops(h as usize, w as usize)
}

/// Undoes [`fit_frame`] on the network's output.
pub fn unfit_frame(output: &RgbImage, fit: &Fit) -> RgbImage {
    if fit.resized {
        image::imageops::resize(output, fit.width, fit.height, FilterType::Triangle)
    } else {
        image::imageops::crop_imm(output, fit.margin, fit.margin, fit.width, fit.height).to_image()
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

    /// Reads the output back synchronously and finishes the frame (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn read(&self) -> Result<RgbImage> {
        Ok(self.finish(&readback(self.output.clone())?))
    }
}

/// Starts translating an RGB frame of any size into `target`; the result has the frame's size.
pub fn start_translate(model: &Model, frame: &RgbImage, target: &DomainMix) -> Result<PendingFrame> {
    let (fitted, fit) = fit_frame(frame, &model.config, margin_of(&model.config))?;
    Ok(PendingFrame::new(model.translate(image_tensor(&fitted, model.device()), target)?, fit))
}

/// Starts decoding a caller's latent into `target`: one frame, no larger than
/// [`MAX_SIDE`], cropped to the frame it was encoded from when the latent says which (that
/// frame then lies [`EDGE_MARGIN`] px in from the decoded grid's top left, as encode put it).
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
    let resized = model.config.fixed_size();
    // A frame's latent (from encode) holds its mirrored margin too.
    let margin = if latent.frame.is_some() { margin_of(&model.config) } else { 0 };
    let (w, h) = latent.frame.unwrap_or((width as u32, height as u32));
    let fit = Fit { width: w, height: h, resized, margin };
    let inner = |n: usize| n.saturating_sub(2 * margin as usize);
    if !resized && (w as usize > inner(width) || h as usize > inner(height)) {
        return Err(UfdnError::Input(format!(
            "latent.width/height ({w}x{h}) exceed the decoded {width}x{height} frame less its {margin}-px margins"
        )));
    }
    let z = Tensor::<4>::from_data(TensorData::new(latent.data, latent.shape), model.device());
    Ok(PendingFrame::new(model.decode(z, target)?, fit))
}

/// Encodes an RGB frame of any size: z `[1, latent, h, w]` of the fitted frame, its
/// mirrored margin included (as [`start_translate`] fits it).
pub fn encode_fitted(model: &Model, frame: &RgbImage) -> Result<Tensor<4>> {
    let (fitted, _) = fit_frame(frame, &model.config, margin_of(&model.config))?;
    model.encode(image_tensor(&fitted, model.device()))
}

/// Translates an RGB frame of any size into `target`, returning a frame of the same size
/// (native only: it reads back synchronously).
#[cfg(not(target_arch = "wasm32"))]
pub fn translate_frame(model: &Model, frame: &RgbImage, target: &DomainMix) -> Result<RgbImage> {
    start_translate(model, frame, target)?.read()
}

#[cfg(test)]
mod tests {
    use image::{Rgb, RgbImage};

    use super::{fit_frame, mirror, unfit_frame};
    use crate::ModelConfig;

    #[test]
    fn mirror_folds_at_both_ends_without_repeating_the_edge() {
        let folded: Vec<u32> = (-3..8).map(|i| mirror(i, 4)).collect();
        assert_eq!(folded, [3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1]);
        assert!((-2..3).all(|i| mirror(i, 1) == 0));
    }

    #[test]
    fn the_margin_mirrors_the_frame_and_is_cropped_off_again() {
        let config = ModelConfig::web3(vec!["photo".into(), "sketch".into()]);
        // Every pixel says where it is: red = x, green = y.
        let frame = RgbImage::from_fn(5, 3, |x, y| Rgb([x as u8, y as u8, 0]));
        let (fitted, fit) = fit_frame(&frame, &config, 2).unwrap();
        // 5 + 2·2 → 12 and 3 + 2·2 → 8, multiples of the stride (4).
        assert_eq!(fitted.dimensions(), (12, 8));
        assert_eq!(fitted.get_pixel(0, 0).0, [2, 2, 0]);
        assert_eq!(fitted.get_pixel(2, 2).0, [0, 0, 0]);
        assert_eq!(fitted.get_pixel(7, 5).0, [3, 1, 0]);
        assert_eq!(unfit_frame(&fitted, &fit), frame);
    }
}
