//! The translator lowered to an ONNX graph: E's mean head (the logvar head is left out, as
//! in inference) and G, with BatchNorm in inference mode.
//!
//! Inputs `image` `[batch, 3, height, width]` (RGB in [-1, 1]) and `code`
//! `[batch, domains]` (a one-hot vector or any mix); output `translated`, shaped like `image`,
//! in [-1, 1]. Height and width are free (multiples of the model's stride) unless the model
//! has a fixed input size.

use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{BatchNorm, PaddingConfig2d};
use burn::tensor::Tensor;

use super::config::ModelConfig;
use super::encoder_generator::EncoderGenerator;
use super::layers::{DownBlock, LEAKY_SLOPE, ResidualBlock, UpBlock};
use crate::error::{Result, UfdnError};
use crate::frame::readback;
use crate::onnx::{Attr, Dim, Graph};

/// The graph being built and the names of values shared by many nodes.
struct Lowering {
    graph: Graph,
    /// The domain code as `[batch, domains, 1, 1]`.
    code: String,
    /// The int64 pair `[1, 1]` that heads the shape the code is tiled to.
    ones: String,
}

impl Lowering {
    fn new(mut graph: Graph) -> Self {
        let axes = graph.integers("code.axes", &[2, 3]);
        let code = graph.node("Unsqueeze", &["code", &axes], &[], None);
        let ones = graph.integers("code.ones", &[1, 1]);
        Self { graph, code, ones }
    }

    /// A tensor's values as a float constant named `name`.
    fn weight<const D: usize>(&mut self, name: &str, tensor: Tensor<D>) -> Result<String> {
        let dims = tensor.dims();
        Ok(self.graph.weight(name, &dims, &readback(tensor)?))
    }

    /// A `Conv` or `ConvTranspose` node reading `x`, with its weight and bias as constants.
    fn conv_node(
        &mut self,
        op: &str,
        name: &str,
        x: &str,
        (weight, bias): (Tensor<4>, Option<Tensor<1>>),
        attrs: Vec<(&str, Attr)>,
    ) -> Result<String> {
        let w = self.weight(&format!("{name}.weight"), weight)?;
        let b = match bias {
            Some(bias) => self.weight(&format!("{name}.bias"), bias)?,
            None => String::new(),
        };
        Ok(self.graph.node(op, &[x, &w, &b], &attrs, None))
    }

    /// Convolution `[batch, in, h, w]` → `[batch, out, h', w']`.
    fn conv(&mut self, name: &str, x: &str, conv: &Conv2d) -> Result<String> {
        let pads = match conv.padding {
            PaddingConfig2d::Explicit(top, left, bottom, right) => [top, left, bottom, right],
            PaddingConfig2d::Valid => [0; 4],
            PaddingConfig2d::Same => {
                return Err(UfdnError::Input(format!("{name}: 'same' padding has no ONNX export")));
            }
        };
        let mut attrs = window(&conv.kernel_size, &conv.stride, &conv.dilation, conv.groups);
        attrs.push(("pads", ints(&pads)));
        let params = (conv.weight.val(), conv.bias.as_ref().map(|b| b.val()));
        self.conv_node("Conv", name, x, params, attrs)
    }

    /// Transposed convolution `[batch, in, h, w]` → `[batch, out, h · stride, w · stride]`.
    fn conv_transposed(&mut self, name: &str, x: &str, conv: &ConvTranspose2d) -> Result<String> {
        let [ph, pw] = conv.padding;
        let mut attrs = window(&conv.kernel_size, &conv.stride, &conv.dilation, conv.groups);
        attrs.extend([("pads", ints(&[ph, pw, ph, pw])), ("output_padding", ints(&conv.padding_out))]);
        let params = (conv.weight.val(), conv.bias.as_ref().map(|b| b.val()));
        self.conv_node("ConvTranspose", name, x, params, attrs)
    }

    /// BatchNorm with running statistics (or `x` itself without a norm); same shape.
    fn norm(&mut self, name: &str, x: String, norm: &Option<BatchNorm>) -> Result<String> {
        let Some(norm) = norm else { return Ok(x) };
        let scale = self.weight(&format!("{name}.gamma"), norm.gamma.val())?;
        let bias = self.weight(&format!("{name}.beta"), norm.beta.val())?;
        let mean = self.weight(&format!("{name}.running_mean"), norm.running_mean.value())?;
        let var = self.weight(&format!("{name}.running_var"), norm.running_var.value())?;
        let attrs = [("epsilon", Attr::Float(norm.epsilon as f32))];
        Ok(self.graph.node("BatchNormalization", &[&x, &scale, &bias, &mean, &var], &attrs, None))
    }

    fn leaky_relu(&mut self, x: &str) -> String {
        self.graph.node("LeakyRelu", &[x], &[("alpha", Attr::Float(LEAKY_SLOPE as f32))], None)
    }

    /// The domain code tiled over `x` and concatenated as channels:
    /// `[batch, channels, h, w]` → `[batch, channels + domains, h, w]`.
    fn with_code(&mut self, x: &str) -> String {
        let hw = self.graph.node("Shape", &[x], &[("start", Attr::Int(2))], None);
        let shape = self.graph.node("Concat", &[&self.ones, &hw], &[("axis", Attr::Int(0))], None);
        let tiled = self.graph.node("Expand", &[&self.code, &shape], &[], None);
        self.graph.node("Concat", &[x, &tiled], &[("axis", Attr::Int(1))], None)
    }

    /// Nearest-neighbour enlargement by `factor` (every pixel a `factor`² block, as
    /// `layers::enlarge`): `[batch, c, h, w]` → `[batch, c, h · factor, w · factor]`.
    fn enlarge(&mut self, name: &str, x: &str, factor: usize) -> String {
        if factor == 1 {
            return x.to_string();
        }
        let f = factor as f32;
        let scales = self.graph.weight(&format!("{name}.scales"), &[4], &[1.0, 1.0, f, f]);
        let attrs = [
            ("mode", Attr::Text("nearest")),
            ("coordinate_transformation_mode", Attr::Text("asymmetric")),
            ("nearest_mode", Attr::Text("floor")),
        ];
        self.graph.node("Resize", &[x, "", &scales], &attrs, None)
    }

    fn down_block(&mut self, name: &str, x: &str, block: &DownBlock) -> Result<String> {
        let h = self.conv(&format!("{name}.conv"), x, &block.conv)?;
        let h = self.norm(&format!("{name}.norm"), h, &block.norm)?;
        Ok(self.leaky_relu(&h))
    }

    fn residual_block(&mut self, name: &str, x: &str, block: &ResidualBlock, code: bool) -> Result<String> {
        let input = if code { self.with_code(x) } else { x.to_string() };
        let h = self.down_block(&format!("{name}.first"), &input, &block.first)?;
        let h = self.conv(&format!("{name}.second"), &h, &block.second)?;
        let h = self.norm(&format!("{name}.norm"), h, &block.norm)?;
        Ok(self.graph.node("Add", &[x, &h], &[], None))
    }

    fn up_block(&mut self, name: &str, x: &str, block: &UpBlock) -> Result<String> {
        let h = match (&block.conv, &block.resize_conv) {
            (Some(conv), _) => self.conv_transposed(&format!("{name}.conv"), x, conv)?,
            (None, Some(conv)) => {
                let big = self.enlarge(name, x, block.factor);
                self.conv(&format!("{name}.resize_conv"), &big, conv)?
            }
            (None, None) => x.to_string(),
        };
        let h = self.norm(&format!("{name}.norm"), h, &block.norm)?;
        Ok(if block.activate { self.leaky_relu(&h) } else { h })
    }
}

/// The attributes a convolution and a transposed convolution share.
fn window(kernel: &[usize; 2], stride: &[usize; 2], dilation: &[usize; 2], groups: usize) -> Vec<(&'static str, Attr)> {
    vec![
        ("kernel_shape", ints(kernel)),
        ("strides", ints(stride)),
        ("dilations", ints(dilation)),
        ("group", Attr::Int(groups as i64)),
    ]
}

/// An integer-list attribute.
fn ints(values: &[usize]) -> Attr {
    Attr::Ints(values.iter().map(|&v| v as i64).collect())
}

/// The ONNX file of `net`, a translator of configuration `config` trained `steps` steps.
pub fn translator_onnx(net: &EncoderGenerator, config: &ModelConfig, steps: u64) -> Result<Vec<u8>> {
    let (height, width) = if config.fixed_size() {
        (Dim::Fixed(config.image_size), Dim::Fixed(config.image_size))
    } else {
        (Dim::Named("height"), Dim::Named("width"))
    };
    let image = [Dim::Named("batch"), Dim::Fixed(3), height, width];
    let mut graph = Graph::new();
    graph.input("image", &image);
    graph.input("code", &[Dim::Named("batch"), Dim::Fixed(config.num_domains())]);
    graph.output("translated", &image);
    let mut l = Lowering::new(graph);

    // Encoder: trunk, residual blocks, the mean head. [batch, latent, h / stride, w / stride]
    let e = &net.encoder;
    let mut h = "image".to_string();
    for (i, block) in e.trunk.iter().enumerate() {
        h = l.down_block(&format!("encoder.trunk.{i}"), &h, block)?;
    }
    for (i, block) in e.residual.iter().enumerate() {
        h = l.residual_block(&format!("encoder.residual.{i}"), &h, block, false)?;
    }
    h = l.conv("encoder.mu", &h, &e.mu)?;

    // Generator: the code before the first layer (or every layer), residual blocks after it
    // and detail blocks before the last.
    let g = &net.generator;
    let last = g.layers.len().saturating_sub(1);
    for (i, layer) in g.layers.iter().enumerate() {
        if i == last {
            for (j, block) in g.detail.iter().enumerate() {
                h = l.residual_block(&format!("generator.detail.{j}"), &h, block, g.code_every_layer)?;
            }
        }
        if i == 0 || g.code_every_layer {
            h = l.with_code(&h);
        }
        h = l.up_block(&format!("generator.layers.{i}"), &h, layer)?;
        if i == 0 {
            for (j, block) in g.residual.iter().enumerate() {
                h = l.residual_block(&format!("generator.residual.{j}"), &h, block, g.code_every_layer)?;
            }
        }
    }
    l.graph.node("Tanh", &[&h], &[], Some("translated"));

    let doc = format!(
        "ufdn translator ({} preset): G(E(x), v). image: RGB in [-1, 1], NCHW, {}; code: one weight per domain ({}), summing to 1.",
        config.preset,
        if config.fixed_size() {
            format!("{0}x{0}", config.image_size)
        } else {
            format!("sides multiples of {}", config.stride())
        },
        config.domains.join(", ")
    );
    let metadata = [
        ("domains", config.domains.join(",")),
        ("preset", config.preset.clone()),
        ("steps", steps.to_string()),
        ("stride", config.stride().to_string()),
    ];
    Ok(l.graph.into_model("ufdn_translator", &doc, &metadata))
}
