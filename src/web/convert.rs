//! Conversions between JavaScript values and the library's types, each checked with an
//! error message that says what the caller must pass.

use image::{Rgb, RgbImage};
use js_sys::{Array, Float32Array, Object, Reflect, Uint8Array, Uint8ClampedArray};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::ImageData;

use crate::domain::DomainMix;
use crate::error::{Result, UfdnError};
use crate::frame::MAX_SIDE;
use crate::latent::{Latent, whole};

fn bad(message: impl Into<String>) -> UfdnError {
    UfdnError::Input(message.into())
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A positive integer property `key` of `object`, at most `max`.
fn dimension(object: &JsValue, key: &str, max: u32) -> Result<u32> {
    let value = get(object, key).as_f64().ok_or_else(|| bad(format!("image.{key} must be a number")))?;
    whole(value, max).map_err(|m| bad(format!("image.{key} is {m}")))
}

/// An `ImageData` or `{data: Uint8ClampedArray | Uint8Array, width, height}` as RGB (alpha dropped).
pub fn image_from_js(value: &JsValue) -> Result<RgbImage> {
    if !value.is_object() {
        return Err(bad("image must be an ImageData or {data, width, height}"));
    }
    let width = dimension(value, "width", MAX_SIDE)?;
    let height = dimension(value, "height", MAX_SIDE)?;
    let data = get(value, "data");
    let bytes = if let Some(clamped) = data.dyn_ref::<Uint8ClampedArray>() {
        clamped.to_vec()
    } else if let Some(plain) = data.dyn_ref::<Uint8Array>() {
        plain.to_vec()
    } else {
        return Err(bad("image.data must be a Uint8ClampedArray (or Uint8Array) of RGBA bytes"));
    };
    let expected = width as usize * height as usize * 4;
    if bytes.len() != expected {
        return Err(bad(format!(
            "image.data has {} bytes but a {width}x{height} RGBA image needs {expected}",
            bytes.len()
        )));
    }
    Ok(RgbImage::from_fn(width, height, |x, y| {
        let i = 4 * (y as usize * width as usize + x as usize);
        Rgb([bytes[i], bytes[i + 1], bytes[i + 2]])
    }))
}

/// An RGB image as an opaque `ImageData` whose pixels live in JavaScript memory (an
/// `ImageData` built on a view of wasm memory would change as soon as wasm reuses it).
pub fn image_to_js(image: &RgbImage) -> Result<ImageData> {
    let mut rgba = Vec::with_capacity(image.width() as usize * image.height() as usize * 4);
    for pixel in image.pixels() {
        rgba.extend_from_slice(&[pixel[0], pixel[1], pixel[2], 255]);
    }
    let pixels = Uint8ClampedArray::new_with_length(rgba.len() as u32);
    pixels.copy_from(&rgba);
    ImageData::new_with_js_u8_clamped_array_and_sh(&pixels, image.width(), image.height())
        .map_err(|e| bad(format!("could not create ImageData: {e:?}")))
}

/// A target: a domain name (`"sketch"`, also `"sketch=0.3,paint=0.7"`) or an object of
/// weights (`{sketch: 0.3, paint: 0.7}`).
pub fn target_from_js(value: &JsValue, domains: &[String]) -> Result<DomainMix> {
    if let Some(name) = value.as_string() {
        return DomainMix::parse(domains, &name);
    }
    if !value.is_object() || value.is_array() {
        return Err(bad(format!(
            "target must be a domain name or an object of weights such as {{{}: 0.5, {}: 0.5}}",
            domains[0], domains[1]
        )));
    }
    let mut pairs = Vec::new();
    for entry in Object::entries(value.unchecked_ref()).iter() {
        let entry: Array = entry.unchecked_into();
        let name = entry.get(0).as_string().unwrap_or_default();
        let weight = entry.get(1).as_f64().ok_or_else(|| bad(format!("weight of '{name}' must be a number")))?;
        pairs.push((name, weight as f32));
    }
    DomainMix::from_pairs(domains, &pairs)
}

/// Builds the JS object of a latent.
pub fn latent_to_js(latent: &Latent) -> JsValue {
    let object = Object::new();
    let shape: Array = latent.shape.iter().map(|&d| JsValue::from(d as u32)).collect();
    let _ = Reflect::set(&object, &"data".into(), &Float32Array::from(latent.data.as_slice()));
    let _ = Reflect::set(&object, &"shape".into(), &shape);
    if let Some((w, h)) = latent.frame {
        let _ = Reflect::set(&object, &"width".into(), &JsValue::from(w));
        let _ = Reflect::set(&object, &"height".into(), &JsValue::from(h));
    }
    object.into()
}

/// Reads a latent object `{data: Float32Array, shape: [1, c, h, w], width?, height?}` back,
/// checking that data and shape agree.
pub fn latent_from_js(value: &JsValue) -> Result<Latent> {
    let data = get(value, "data");
    let data = data
        .dyn_ref::<Float32Array>()
        .ok_or_else(|| bad("latent.data must be a Float32Array (as returned by encode)"))?
        .to_vec();
    let shape_value = get(value, "shape");
    let shape = shape_value.dyn_ref::<Array>().ok_or_else(|| bad("latent.shape must be an array"))?;
    let shape: Vec<f64> = shape.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect();
    Latent::from_parts(data, &shape, (get(value, "width").as_f64(), get(value, "height").as_f64()))
}
