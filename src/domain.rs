//! Target domain codes: one domain, or a weighted mix of domains.

use crate::error::{Result, UfdnError};

/// A domain code `v`: one non-negative weight per domain, summing to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainMix {
    weights: Vec<f32>,
}

impl DomainMix {
    /// The one-hot code of domain `index` among `n` domains.
    pub fn one_hot(index: usize, n: usize) -> Self {
        let mut weights = vec![0.0; n];
        weights[index] = 1.0;
        Self { weights }
    }

    /// A mix from `(domain name, weight)` pairs; weights are normalised to sum to 1.
    /// Unknown names and negative, non-finite or all-zero weights are errors.
    pub fn from_pairs<S: AsRef<str>>(domains: &[String], pairs: &[(S, f32)]) -> Result<Self> {
        if pairs.is_empty() {
            return Err(UfdnError::Input(format!("empty target: name a domain ({})", domains.join(", "))));
        }
        let mut weights = vec![0.0f32; domains.len()];
        for (name, weight) in pairs {
            let name = name.as_ref();
            let index = domain_index(domains, name)?;
            if !weight.is_finite() || *weight < 0.0 {
                return Err(UfdnError::Input(format!(
                    "weight of '{name}' is {weight}: mix weights must be finite and >= 0"
                )));
            }
            weights[index] += weight;
        }
        let total: f32 = weights.iter().sum();
        if !(total > 0.0 && total.is_finite()) {
            return Err(UfdnError::Input("mix weights sum to zero: give at least one domain a positive weight".into()));
        }
        weights.iter_mut().for_each(|w| *w /= total);
        Ok(Self { weights })
    }

    /// Parses `sketch` or `sketch=0.3,paint=0.7` against the model's domain names.
    pub fn parse(domains: &[String], spec: &str) -> Result<Self> {
        let mut pairs = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                None => pairs.push((part.to_string(), 1.0)),
                Some((name, weight)) => {
                    let w: f32 = weight
                        .trim()
                        .parse()
                        .map_err(|_| UfdnError::Input(format!("'{weight}' is not a number in target '{spec}'")))?;
                    pairs.push((name.trim().to_string(), w));
                }
            }
        }
        Self::from_pairs(domains, &pairs)
    }

    /// The weights, one per domain.
    pub fn weights(&self) -> &[f32] {
        &self.weights
    }
}

/// Index of domain `name`, or an error listing the known domains.
pub fn domain_index(domains: &[String], name: &str) -> Result<usize> {
    domains
        .iter()
        .position(|d| d == name)
        .ok_or_else(|| UfdnError::Input(format!("unknown domain '{name}': this model knows {}", domains.join(", "))))
}
