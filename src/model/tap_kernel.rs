//! The tap products of [`super::tap_conv`] as one register-tiled loop on 4-lane SIMD, for
//! the browser's CPU path (wasm32's SIMD128).
//!
//! gemm's SIMD128 kernel makes one pass over the output per tap: it packs the shifted input
//! into panels for every call and reads and writes the whole output k² times. Here each tile
//! of 4 output channels × 8 output positions keeps its 8 four-lane sums in registers over
//! every tap and input channel, reads the input in place (one unaligned load per 4
//! positions) and the kernel as 4 broadcast loads per input channel and tap, and writes the
//! tile once. Natively the same code runs on plain `[f32; 4]` lanes, for its tests: native
//! inference keeps gemm, whose x86 kernels are 8 lanes wide with fused multiply-adds.

use super::tap_conv::Operands;

/// Floats per vector.
const LANES: usize = 4;
/// Output channels per tile (one broadcast kernel value each per input channel and tap).
const CHANNELS: usize = 4;
/// Vectors of output positions per tile: the 8 sums, 2 input vectors and one broadcast stay
/// within the 15 vector registers that V8 gives wasm on x86 (with 3 vectors, 16 values, it
/// spilled 4 sums to the stack on every step).
const VECTORS: usize = 2;
/// Output positions per tile.
const POSITIONS: usize = VECTORS * LANES;

#[cfg(target_arch = "wasm32")]
mod lanes {
    use core::arch::wasm32::{f32x4_add, f32x4_mul, f32x4_splat, v128, v128_load, v128_load32_splat, v128_store};

    /// Four floats.
    pub type Vector = v128;

    /// `value` in every lane.
    #[inline(always)]
    pub fn splat(value: f32) -> Vector {
        f32x4_splat(value)
    }

    /// The four floats at `p`, which need no alignment.
    /// SAFETY: `p` points to 4 readable floats.
    #[inline(always)]
    pub unsafe fn load(p: *const f32) -> Vector {
        unsafe { v128_load(p.cast()) }
    }

    /// The float at `p` in every lane.
    /// SAFETY: `p` points to a readable float.
    #[inline(always)]
    pub unsafe fn load_splat(p: *const f32) -> Vector {
        unsafe { v128_load32_splat(p.cast()) }
    }

    /// `sum + a · b` lane by lane.
    #[inline(always)]
    pub fn multiply_add(sum: Vector, a: Vector, b: Vector) -> Vector {
        f32x4_add(sum, f32x4_mul(a, b))
    }

    /// Writes the four floats of `v` at `p`, which needs no alignment.
    /// SAFETY: `p` points to 4 writable floats.
    #[inline(always)]
    pub unsafe fn store(p: *mut f32, v: Vector) {
        unsafe { v128_store(p.cast(), v) }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod lanes {
    /// Four floats.
    pub type Vector = [f32; super::LANES];

    /// `value` in every lane.
    #[inline(always)]
    pub fn splat(value: f32) -> Vector {
        [value; super::LANES]
    }

    /// The four floats at `p`.
    /// SAFETY: `p` points to 4 readable floats.
    #[inline(always)]
    pub unsafe fn load(p: *const f32) -> Vector {
        unsafe { p.cast::<Vector>().read_unaligned() }
    }

    /// The float at `p` in every lane.
    /// SAFETY: `p` points to a readable float.
    #[inline(always)]
    pub unsafe fn load_splat(p: *const f32) -> Vector {
        splat(unsafe { p.read() })
    }

    /// `sum + a · b` lane by lane.
    #[inline(always)]
    pub fn multiply_add(sum: Vector, a: Vector, b: Vector) -> Vector {
        std::array::from_fn(|i| sum[i] + a[i] * b[i])
    }

    /// Writes the four floats of `v` at `p`.
    /// SAFETY: `p` points to 4 writable floats.
    #[inline(always)]
    pub unsafe fn store(p: *mut f32, v: Vector) {
        unsafe { p.cast::<Vector>().write_unaligned(v) }
    }
}

/// One frame's products by taps (see [`Operands`]), tile by tile.
///
/// # Panics
/// When a read or write would leave its slice.
pub fn tap_products(y: &mut [f32], operands: &Operands) {
    operands.check(y);
    let Operands { x, frame, kernel, shifts, bias, out, input, n_len, wide } = *operands;
    if out * wide == 0 {
        return;
    }
    let packed = pack(kernel, shifts.len(), out, input);
    let tile_len = shifts.len() * input * CHANNELS;
    let rows = |tile: usize, y: &mut [f32]| {
        let channels = (out - tile * CHANNELS).min(CHANNELS);
        let kernel = &packed[tile * tile_len..(tile + 1) * tile_len];
        let offsets: [f32; CHANNELS] =
            std::array::from_fn(|j| if j < channels { bias.map_or(0.0, |b| b[tile * CHANNELS + j]) } else { 0.0 });
        let tile = Tile { x, frame, kernel, shifts, input, offsets, channels, wide };
        if n_len < POSITIONS { tile.by_position(y, n_len) } else { tile.sweep(y, n_len) }
    };
    let y = &mut y[..out * wide];
    #[cfg(feature = "threads")]
    {
        use rayon::prelude::*;
        y.par_chunks_mut(CHANNELS * wide).enumerate().for_each(|(tile, y)| rows(tile, y));
    }
    #[cfg(not(feature = "threads"))]
    y.chunks_mut(CHANNELS * wide).enumerate().for_each(|(tile, y)| rows(tile, y));
}

/// `kernel` (`[out, input, taps]`) as tiles of 4 output channels, each `[taps, input, 4]`
/// (zero past `out`), in the order the tile loop reads them.
fn pack(kernel: &[f32], count: usize, out: usize, input: usize) -> Vec<f32> {
    let tiles = out.div_ceil(CHANNELS);
    let mut packed = vec![0.0; tiles * count * input * CHANNELS];
    for (i, value) in packed.iter_mut().enumerate() {
        let (j, c, t, tile) =
            (i % CHANNELS, i / CHANNELS % input, i / (CHANNELS * input) % count, i / (CHANNELS * input * count));
        let o = tile * CHANNELS + j;
        if o < out {
            *value = kernel[(o * input + c) * count + t];
        }
    }
    packed
}

/// One tile of up to 4 output channels, and what its sums read.
struct Tile<'a> {
    /// `[input, frame]`: the padded input.
    x: &'a [f32],
    frame: usize,
    /// `[taps, input, 4]`: the tile's kernel values.
    kernel: &'a [f32],
    shifts: &'a [usize],
    input: usize,
    /// Each channel's bias.
    offsets: [f32; CHANNELS],
    /// How many of the 4 channels exist (the rows of `y`).
    channels: usize,
    /// The length of an output row.
    wide: usize,
}

impl Tile<'_> {
    /// Positions `0..n_len` (at least 8) of the tile's rows of `y` (`[channels, wide]`), 8
    /// at a time; the last 8 overlap the ones before instead of running past `n_len`.
    ///
    /// Never inlined: the browser's engine first runs code unoptimised and optimises a
    /// function for its next call once it has run long enough. Called once per tile of every
    /// layer, this loop is optimised within the first frame; inlined into the convolution,
    /// which runs a few times per frame, it stayed unoptimised (2.2× slower in Chromium).
    #[inline(never)]
    fn sweep(&self, y: &mut [f32], n_len: usize) {
        for n in (0..n_len).step_by(POSITIONS) {
            self.vectors(y, n.min(n_len - POSITIONS));
        }
    }

    /// Positions `n..n + 8` of the tile's rows of `y` (`[channels, wide]`).
    ///
    /// The 8 sums are 8 variables and every step is written out: the browser build is
    /// optimised for size, which keeps loops (and any array they index) as they are written.
    #[inline(always)]
    fn vectors(&self, y: &mut [f32], n: usize) {
        use lanes::{load, load_splat, multiply_add as madd, splat};
        let [b0, b1, b2, b3] = self.offsets.map(splat);
        let (mut s00, mut s01) = (b0, b0);
        let (mut s10, mut s11) = (b1, b1);
        let (mut s20, mut s21) = (b2, b2);
        let (mut s30, mut s31) = (b3, b3);
        let mut kernel = self.kernel.as_ptr();
        for &shift in self.shifts {
            let mut x = self.x[shift + n..].as_ptr();
            for _ in 0..self.input {
                // SAFETY: tap_products checked that x[c·frame + shift + n + i] for c < input
                // and i < 8 ≤ n_len − n lies in x, and the kernel holds taps · input · 4.
                unsafe {
                    let (x0, x1) = (load(x), load(x.add(LANES)));
                    let w = load_splat(kernel);
                    (s00, s01) = (madd(s00, w, x0), madd(s01, w, x1));
                    let w = load_splat(kernel.add(1));
                    (s10, s11) = (madd(s10, w, x0), madd(s11, w, x1));
                    let w = load_splat(kernel.add(2));
                    (s20, s21) = (madd(s20, w, x0), madd(s21, w, x1));
                    let w = load_splat(kernel.add(3));
                    (s30, s31) = (madd(s30, w, x0), madd(s31, w, x1));
                    x = x.add(self.frame);
                    kernel = kernel.add(CHANNELS);
                }
            }
        }
        let sums = [[s00, s01], [s10, s11], [s20, s21], [s30, s31]];
        for (row, sums) in y.chunks_exact_mut(self.wide).zip(sums).take(self.channels) {
            let row = &mut row[n..n + POSITIONS];
            // SAFETY: row holds 8 floats.
            unsafe {
                lanes::store(row.as_mut_ptr(), sums[0]);
                lanes::store(row[LANES..].as_mut_ptr(), sums[1]);
            }
        }
    }

    /// Positions `0..n_len` of the tile's rows of `y`, one at a time (rows shorter than a tile).
    fn by_position(&self, y: &mut [f32], n_len: usize) {
        for (j, row) in y.chunks_exact_mut(self.wide).enumerate().take(self.channels) {
            for (n, value) in row[..n_len].iter_mut().enumerate() {
                let mut sum = self.offsets[j];
                for (t, shift) in self.shifts.iter().enumerate() {
                    for c in 0..self.input {
                        sum += self.kernel[(t * self.input + c) * CHANNELS + j] * self.x[c * self.frame + shift + n];
                    }
                }
                *value = sum;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, Distribution, Tensor};

    use super::tap_products;
    use crate::model::tap_conv::{Operands, floats, gemm_products};

    /// `len` values drawn uniformly from [-1, 1).
    fn values(len: usize) -> Vec<f32> {
        floats(Tensor::<1>::random([len], Distribution::Uniform(-1.0, 1.0), &Device::flex()))
    }

    /// Against gemm's products (which `tap_conv`'s tests check against burn's convolution):
    /// output channels below, at and past a tile of 4, rows shorter than a tile and rows
    /// ending in a partial tile, one tap and nine, with and without a bias; the positions past
    /// `n_len` stay untouched.
    #[test]
    fn tiles_compute_gemm_s_products() {
        for (out, input, cols, rows, kernel) in
            [(3, 5, 7, 6, 3), (4, 2, 12, 3, 3), (9, 7, 5, 9, 2), (1, 1, 3, 3, 3), (6, 3, 40, 4, 1), (5, 4, 4, 2, 2)]
        {
            let frame = rows * cols;
            let out_rows = rows + 1 - kernel;
            let wide = out_rows * cols;
            let n_len = wide + 1 - kernel;
            let shifts: Vec<usize> = (0..kernel * kernel).map(|t| (t / kernel) * cols + t % kernel).collect();
            let x = values(input * frame);
            let taps = values(shifts.len() * out * input);
            let bias = values(out);
            for bias in [None, Some(&bias[..])] {
                let what = format!("out {out}, in {input}, {rows}×{cols}, {kernel}×{kernel}, bias {}", bias.is_some());
                let operands = Operands { x: &x, frame, kernel: &taps, shifts: &shifts, bias, out, input, n_len, wide };
                let mut expected = vec![7.0; out * wide];
                gemm_products(&mut expected, &operands);
                let mut got = vec![7.0; out * wide];
                tap_products(&mut got, &operands);
                for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
                    let n = i % wide;
                    if n < n_len {
                        assert!(
                            (g - e).abs() <= 1e-5 * e.abs().max(1.0),
                            "{what}: [{}, {n}] {g} against {e}",
                            i / wide
                        );
                    } else {
                        assert_eq!(*g, 7.0, "{what}: [{}, {n}] past the products was written", i / wide);
                    }
                }
            }
        }
    }

    /// Operands that do not fit are refused before anything is read.
    #[test]
    #[should_panic(expected = "operands of the wrong size")]
    fn refuses_a_short_input() {
        let mut y = vec![0.0; 2 * 10];
        let operands = Operands {
            x: &[0.0; 5],
            frame: 16,
            kernel: &[0.0; 2],
            shifts: &[0],
            bias: None,
            out: 2,
            input: 1,
            n_len: 10,
            wide: 10,
        };
        tap_products(&mut y, &operands);
    }
}
