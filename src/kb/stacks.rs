//! Responsibility stacks (`knowledge/stacks.yaml`): per service, its layers from the
//! physical facilities up to the data, bottom to top, and who owns each. The picture
//! learners expect; validated like the rest, and against the entries that name a layer.

use serde::{Deserialize, Serialize};

use super::{Owner, Source};

/// A layer of the vocabulary: `os`, "Operating system".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerDef {
    pub id: String,
    pub name: String,
    /// The label in pictures, whose columns are narrow (the name when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
}

/// AWS's classic service categories: how much of the stack the customer still runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    Infrastructure,
    Container,
    Abstracted,
}

impl ServiceKind {
    pub fn name(self) -> &'static str {
        match self {
            ServiceKind::Infrastructure => "infrastructure service",
            ServiceKind::Container => "container service",
            ServiceKind::Abstracted => "abstracted service",
        }
    }
}

/// One layer of one service's stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackLayer {
    pub id: String,
    pub name: String,
    /// The label in pictures.
    pub short: String,
    pub owner: Owner,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A service's stack, bottom to top.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stack {
    pub service: String,
    pub model: ServiceKind,
    pub layers: Vec<StackLayer>,
    pub source: Source,
}

impl Stack {
    pub fn layer(&self, id: &str) -> Option<&StackLayer> {
        self.layers.iter().find(|l| l.id == id)
    }
}

/// Every stack, with the layer vocabulary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stacks {
    pub layers: Vec<LayerDef>,
    pub stacks: Vec<Stack>,
}

impl Stacks {
    /// The stack of `service`.
    pub fn of(&self, service: &str) -> Option<&Stack> {
        self.stacks.iter().find(|s| s.service == service)
    }

    /// Whether `id` names a layer (of the vocabulary, or an extra layer of some stack).
    pub fn knows_layer(&self, id: &str) -> bool {
        self.layers.iter().any(|l| l.id == id)
            || self
                .stacks
                .iter()
                .any(|s| s.layers.iter().any(|l| l.id == id))
    }
}

/// `stacks.yaml` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStacks {
    pub layers: Vec<LayerDef>,
    pub stacks: Vec<serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStack {
    pub service: String,
    pub model: ServiceKind,
    pub layers: Vec<RawStackLayer>,
    pub source: Source,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStackLayer {
    pub layer: String,
    /// Required for a layer that is not in the vocabulary.
    pub name: Option<String>,
    pub short: Option<String>,
    pub owner: Owner,
    pub note: Option<String>,
}
