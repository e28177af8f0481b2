#pragma once
// TorchScript export: a torch::jit::Module built in C++ whose forward() is TorchScript source
// (define()) over registered buffers: integer weight codes with their step sizes, quantizer
// parameters, BatchNorm statistics. It computes what QuantLens's fake-quantized forward
// computes, operator for operator, with standard operators only, so that torch.jit.load in
// plain PyTorch runs it without QuantLens.
#include "core/export/plan.h"

#include <filesystem>
#include <map>
#include <string>

namespace ql::core::exporting {

/// The module's TorchScript source and its buffers (name -> tensor), without building it.
struct TorchScriptSource {
    std::string code; ///< "def forward(self, x): ..."
    std::vector<std::pair<std::string, torch::Tensor>> buffers;
};

/// Lowers `plan` to TorchScript. Throws ql::core::Error naming the node for an operator it
/// cannot express ("TorchScript" format), before anything is written.
TorchScriptSource torchScriptSource(const ExportPlan &plan);

/// Builds the module and saves it to `path` atomically, with `extraFiles` (name -> contents)
/// stored beside the code in the archive. Throws ql::core::Error naming the file.
void writeTorchScript(const TorchScriptSource &source, const std::filesystem::path &path,
                      const std::map<std::string, std::string> &extraFiles = {});

} // namespace ql::core::exporting
