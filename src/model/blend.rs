//! Weight interpolation of two modules of one architecture: every float tensor (parameters
//! and BatchNorm running statistics) becomes `(1 − share)·first + share·second`.
//!
//! Two fine-tunes of one model usually stay in one basin of the loss, so a point between
//! them translates well and can keep part of what each learned (a "model soup", Wortsman et
//! al. 2022). BatchNorm's statistics of the blend are not the blend of the statistics:
//! re-estimate them afterwards (`ufdn blend` does).

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::Tensor;

use crate::error::{Result, UfdnError};

/// Collects every float tensor of a module, flattened, with its shape, in visiting order.
#[derive(Default)]
struct Collect {
    tensors: Vec<(Vec<usize>, Tensor<1>)>,
}

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.val();
        let shape = tensor.dims().to_vec();
        let count = shape.iter().product::<usize>();
        // [count]
        self.tensors.push((shape, tensor.reshape([count])));
    }
}

/// Replaces each float tensor by its blend with the next of `others` (same order, checked
/// shapes).
struct Mix {
    others: std::vec::IntoIter<(Vec<usize>, Tensor<1>)>,
    share: f64,
}

impl ModuleMapper for Mix {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let share = self.share;
        let other = self.others.next();
        param.map(|own| match other {
            Some((_, other)) => {
                let other: Tensor<D> = other.reshape(own.dims());
                own.mul_scalar(1.0 - share).add(other.mul_scalar(share))
            }
            // Unreachable: `interpolate` checks that both modules hold the same tensors.
            None => own,
        })
    }
}

/// `(1 − share)·first + share·second` over every float tensor of two modules of one
/// architecture; `share` must lie in [0, 1]. Errors if the modules hold different tensors.
pub fn interpolate<M: Module>(first: M, second: &M, share: f64) -> Result<M> {
    if !(0.0..=1.0).contains(&share) {
        return Err(UfdnError::Input(format!("the blend's share must lie in [0, 1], got {share}")));
    }
    let mut theirs = Collect::default();
    second.visit(&mut theirs);
    let mut ours = Collect::default();
    first.visit(&mut ours);
    let same = ours.tensors.len() == theirs.tensors.len()
        && ours.tensors.iter().zip(&theirs.tensors).all(|((a, _), (b, _))| a == b);
    if !same {
        return Err(UfdnError::Weights(
            "the two models have different parameters: blend two fine-tunes of one architecture".into(),
        ));
    }
    Ok(first.map(&mut Mix { others: theirs.tensors.into_iter(), share }))
}

#[cfg(test)]
mod tests {
    use burn::tensor::Device;

    use super::*;
    use crate::model::ModelConfig;

    fn params(module: &impl Module) -> Vec<Vec<f32>> {
        let mut all = Collect::default();
        module.visit(&mut all);
        all.tensors.into_iter().map(|(_, t)| t.into_data().try_to_vec::<f32>().unwrap()).collect()
    }

    #[test]
    fn blends_every_tensor_and_refuses_other_architectures() {
        let device = Device::default();
        let config = ModelConfig::web3(vec!["a".into(), "b".into()]);
        let (first, second) = (config.init_translator(&device), config.init_translator(&device));
        let (a, b) = (params(&first), params(&second));
        assert_ne!(a, b, "two initialisations should differ");
        let mixed = params(&interpolate(first.clone(), &second, 0.25).unwrap());
        // Parameters and running statistics alike.
        assert!(mixed.len() > 100, "{} tensors", mixed.len());
        for ((m, x), y) in mixed.iter().zip(&a).zip(&b) {
            for ((m, x), y) in m.iter().zip(x).zip(y) {
                assert!((m - (0.75 * x + 0.25 * y)).abs() <= 1e-6 * (1.0 + x.abs() + y.abs()));
            }
        }
        assert_eq!(params(&interpolate(first.clone(), &second, 0.0).unwrap()), a);
        assert_eq!(params(&interpolate(first.clone(), &second, 1.0).unwrap()), b);
        assert!(interpolate(first.clone(), &second, 1.5).is_err());
        let other = ModelConfig::web2(vec!["a".into(), "b".into()]).init_translator(&device);
        let err = interpolate(first, &other, 0.5).unwrap_err().to_string();
        assert!(err.contains("different parameters"), "{err}");
    }
}
