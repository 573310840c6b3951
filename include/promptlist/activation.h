// promptlist/activation.h: the feed-forward activations of the transformer
// models (BERT, T5), one enum for both, named as Hugging Face configs name them.
#pragma once

#include <optional>
#include <string_view>

namespace promptlist {

enum class Activation {
  relu,
  gelu,       // exact: 0.5 x (1 + erf(x / sqrt 2)), transformers' "gelu"
  gelu_tanh,  // the tanh approximation: "gelu_new", "gelu_pytorch_tanh"
  silu,       // x * sigmoid(x): "silu", "swish"
};

// The activation of a config's name ("relu", "gelu", "gelu_new",
// "gelu_pytorch_tanh", "silu", "swish"); nullopt for any other name.
std::optional<Activation> activation_from_name(std::string_view name);

}  // namespace promptlist
