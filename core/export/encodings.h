#pragma once
// AIMET encodings (format version 1.0.0) of a QDQ graph: one entry per tensor the ONNX graph
// quantizes, keyed by its ONNX tensor name, with AIMET's offset convention: a value is
// (q + offset) * scale for q on the unsigned grid 0..2^bw - 1, so offset = lo - zero point
// (symmetric int8: -128).
#include "core/export/qdq.h"

#include <set>
#include <string>

namespace ql::core::exporting {

/// The encodings JSON of `graph`. Throws ql::core::Error naming the layer and the format for a
/// tensor AIMET's encodings cannot describe (ASQ's per-sample step, APoT activation levels).
/// Float-emulated weights (POT/POST/APoT) keep their exact float values in the graph and get
/// no entry. Thread-safe.
std::string encodingsJson(const LoweredGraph &graph);

/// Every tensor name of a lowered graph: its input, node outputs and constants.
std::set<std::string> tensorNames(const models::Graph &graph);

/// Checks `json` against `graph`: version 1.0.0, every entry names a tensor of the graph,
/// every quantized tensor has an entry, and each entry's grid equals the graph's (the same
/// values for every code). Returns the problems found (empty when it matches).
std::vector<std::string> checkEncodings(const std::string &json, const LoweredGraph &graph);

} // namespace ql::core::exporting
