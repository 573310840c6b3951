// nn/attention.h: scaled dot-product attention of one head of one sequence,
// as BERT's self-attention computes it.
#pragma once

namespace promptlist::nn {

struct AttentionHead {
  const float *q, *k, *v;  // row i of each at + i * stride (a head's columns of the stacked q/k/v rows)
  int stride;
  int length;              // queries and keys: T
  int head_dim;
  int valid;               // keys from `valid` on are padding and get weight 0
  float scale;             // 1 / sqrt(head_dim)
  float* out;              // row i at out + i * out_stride
  int out_stride;
};

// out = softmax(q k^T * scale) v. scores ([T][T]) and keys ([head_dim][T])
// are the caller's scratch.
void attention_head(const AttentionHead& h, float* scores, float* keys);

}  // namespace promptlist::nn
