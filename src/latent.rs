//! Latent codes handed back by callers (the browser's `decode`), checked before any tensor
//! is built from them: the platform-independent core of the JavaScript conversion.

use crate::error::{Result, UfdnError};
use crate::frame::MAX_SIDE;

/// Largest latent dimension accepted.
const MAX_DIM: u32 = 65_536;

/// A latent code `[batch, channels, height, width]` with the size of the frame it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Latent {
    /// Values, row-major.
    pub data: Vec<f32>,
    /// Shape `[batch, channels, height, width]`.
    pub shape: [usize; 4],
    /// Size of the frame it was encoded from, if known (decode crops to it).
    pub frame: Option<(u32, u32)>,
}

impl Latent {
    /// A latent from caller-given parts: `shape` must be four whole numbers whose product is
    /// the number of values, and `frame` (width, height) both present and whole, or both
    /// absent. Errors name the field at fault.
    pub fn from_parts(data: Vec<f32>, shape: &[f64], frame: (Option<f64>, Option<f64>)) -> Result<Self> {
        let dims: Vec<u32> = shape.iter().filter_map(|&d| whole(d, MAX_DIM).ok()).collect();
        let &[batch, channels, height, width] = dims.as_slice() else {
            return Err(UfdnError::Input(format!(
                "latent.shape must be four whole numbers from 1 to {MAX_DIM}: [1, channels, height, width]"
            )));
        };
        let shape = [batch, channels, height, width].map(|d| d as usize);
        let needed = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
        if needed != Some(data.len()) {
            let needed = needed.map_or_else(|| "more than memory holds".to_string(), |n| n.to_string());
            return Err(UfdnError::Input(format!(
                "latent.data has {} values but shape {shape:?} needs {needed}",
                data.len()
            )));
        }
        let frame = match frame {
            (None, None) => None,
            (width, height) => Some((frame_side(width, "width")?, frame_side(height, "height")?)),
        };
        Ok(Self { data, shape, frame })
    }
}

/// `value` as a whole number from 1 to `max`, or an error that says so.
pub fn whole(value: f64, max: u32) -> std::result::Result<u32, String> {
    if value.fract() != 0.0 || !(1.0..=f64::from(max)).contains(&value) {
        return Err(format!("{value}: it must be a whole number from 1 to {max}"));
    }
    Ok(value as u32)
}

/// A frame side `latent.{key}`: present, whole and at most [`MAX_SIDE`].
fn frame_side(value: Option<f64>, key: &str) -> Result<u32> {
    let value = value.ok_or_else(|| UfdnError::Input(format!("latent.{key} must be a number")))?;
    whole(value, MAX_SIDE).map_err(|m| UfdnError::Input(format!("latent.{key} is {m}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(data: usize, shape: &[f64], frame: (Option<f64>, Option<f64>)) -> String {
        Latent::from_parts(vec![0.0; data], shape, frame).unwrap_err().to_string()
    }

    #[test]
    fn a_consistent_latent_is_accepted() {
        let latent = Latent::from_parts(vec![0.5; 24], &[1.0, 2.0, 3.0, 4.0], (Some(16.0), Some(12.0))).unwrap();
        assert_eq!((latent.shape, latent.frame), ([1, 2, 3, 4], Some((16, 12))));
    }

    #[test]
    fn inconsistent_latents_are_refused_with_the_field_at_fault() {
        assert!(error(24, &[1.0, 2.0, 3.0], (None, None)).contains("latent.shape must be four"));
        assert!(error(24, &[1.0, 2.0, 3.5, 4.0], (None, None)).contains("latent.shape"));
        assert!(error(24, &[1.0, f64::NAN, 3.0, 4.0], (None, None)).contains("latent.shape"));
        assert!(
            error(23, &[1.0, 2.0, 3.0, 4.0], (None, None)).contains("has 23 values but shape [1, 2, 3, 4] needs 24")
        );
        assert!(error(24, &[1.0, 2.0, 3.0, 4.0], (Some(16.0), None)).contains("latent.height must be a number"));
        assert!(error(24, &[1.0, 2.0, 3.0, 4.0], (Some(0.0), Some(4.0))).contains("latent.width is 0"));
    }

    #[test]
    fn shapes_whose_product_overflows_are_refused() {
        // 65536^4 wraps to 0 in 64-bit arithmetic (65536^2 already in wasm32's): an empty
        // array must not pass for it.
        let big = f64::from(MAX_DIM);
        assert!(error(0, &[big, big, big, big], (None, None)).contains("more than memory holds"));
    }
}
