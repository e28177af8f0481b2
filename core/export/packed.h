#pragma once
// Packed integer weights: QuantLens's binary format for a quantized model's weights, every
// integer code bit-packed at its bit-width. A file is a header (everything but the codes and
// the biases) followed by the payload (the codes and biases), and the payload is exactly the
// model size the layer table shows (types::layerStorageBytes summed over the layers).
//
// Layout (little-endian; "str" is a u16 byte count and UTF-8 bytes):
//   Header
//     char[8]  magic "QLPACK\0\1"        u32 version (1)          u32 layer count
//     u64      header bytes (= payload offset)                     u64 payload bytes
//     then per layer:
//       str  name; u8 kind (0 conv2d, 1 linear); u8 encoding (0 float32, 1 uniform, 2 multipoint,
//            3 levels); u8 code bits; u8 flags (bit 0 per-channel, bit 1 has BatchNorm, bit 2 has bias)
//       u8   rank; i64 x rank weight shape
//       i64  code offset (a stored code u means the code u + offset)
//       u32  channels C; u32 points P (1 but for multipoint)
//       multipoint: u8 x C points per channel
//       f32 x C*P scales (uniform: step; multipoint: a_i, channel-major; levels: alpha; none for float32)
//       levels: u32 M; f32 x M unit magnitudes (ascending, 0 first); the code is sign * magnitude index
//       BatchNorm: f32 x C scale k and f32 x C shift t (BN(y) = k y + t)
//       u64  payload offset of the codes; u64 code bytes; u64 bias count (float32, right after the codes)
//       activation: u8 encoding (0 none, 1 uniform, 2 ASQ, 3 levels); u8 bits; u8 signed; u8 has offset;
//            i64 code lo; i64 code hi; f32 step (ASQ: base step; levels: alpha); f32 offset beta
//            ASQ: u32 adapter inputs I; u32 hidden rows H (0: no hidden layer); H > 0: f32 x H*I weight,
//                 f32 x H bias; then f32 x (H or I) out weight, f32 out bias. The adapter's input
//                 is the layer input's I channel means; a linear layer with F > I input features
//                 reads a flattened map of I channels of F/I positions each (channel-major)
//            levels: u32 M; f32 x M unit magnitudes
//       POST look-up table (POST weights after an unsigned uniform activation of at most 8 bits,
//            Eq. 18 of the ASQ paper): u32 entries (0: none); u8 fractional bits; i32 x entries
//   Payload, per layer in header order: the codes, LSB first, each code (minus the code offset) in
//   `code bits` bits (multipoint: channel 0's points in order, then channel 1's, ...; a point's
//   codes are the channel's weight row), the last byte zero-padded; then the biases in float32.
//   Float32 layers store the weight in float32 where the codes would be.
#include "core/export/plan.h"

#include <filesystem>
#include <string>
#include <vector>

namespace ql::core::exporting {

constexpr uint32_t kPackedVersion = 1;

/// One layer read back from a packed file.
struct PackedLayer {
    std::string name;
    models::LayerKind kind = models::LayerKind::Conv2d;
    int encoding = 0; ///< 0 float32, 1 uniform, 2 multipoint, 3 levels
    int codeBits = 32;
    bool perChannel = false;
    std::vector<int64_t> shape;
    torch::Tensor codes; ///< int64: weight-shaped (uniform, levels) or [sum of points, K] (multipoint)
    torch::Tensor floatWeight; ///< float32 layers
    torch::Tensor scales; ///< float32 [C, P]
    std::vector<int> points;
    torch::Tensor magnitudes; ///< float32 [M]
    torch::Tensor bnScale, bnShift; ///< float32 [C] or undefined
    torch::Tensor bias; ///< float32 [C] or undefined
    int actEncoding = 0;
    int actBits = 0;
    bool actSigned = false;
    bool actHasOffset = false;
    int64_t actLo = 0, actHi = 0;
    float actStep = 0, actOffset = 0;
    torch::Tensor asqHiddenWeight, asqHiddenBias, asqOutWeight, asqOutBias; ///< ASQ adapter
    torch::Tensor actMagnitudes; ///< levels
    std::vector<int32_t> postLut;
    int postFracBits = 0;

    /// The weight QuantLens's forward uses (BatchNorm not folded), float32.
    torch::Tensor weight() const;
};

struct PackedModel {
    uint32_t version = 0;
    uint64_t headerBytes = 0;
    uint64_t payloadBytes = 0;
    std::vector<PackedLayer> layers;
};

/// The packed bytes of `plan` (header and payload). Throws ql::core::Error naming the layer for a
/// code that does not fit its bit-width. Thread-safe.
std::string packedBytes(const ExportPlan &plan);

/// Reads a packed file; throws ql::core::Error naming the file for a wrong magic or version, a
/// truncated file or inconsistent sizes. Thread-safe.
PackedModel readPacked(const std::filesystem::path &path);

} // namespace ql::core::exporting
