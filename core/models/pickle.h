#pragma once
// The pickle subset of PyTorch state dicts: a restricted reader that builds values and never
// executes anything (only the opcodes and globals a state dict uses are accepted), and the
// writer QuantLens saves state dicts with. Internal to core/models (weights.cpp uses it).
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ql::core::models::pickle {

/// The pickle opcodes a state dict uses (Python's pickletools names).
enum class Op : uint8_t {
    Proto = 0x80,
    Frame = 0x95,
    Stop = '.',
    Mark = '(',
    EmptyDict = '}',
    EmptyTuple = ')',
    EmptyList = ']',
    None = 'N',
    NewTrue = 0x88,
    NewFalse = 0x89,
    BinInt1 = 'K',
    BinInt2 = 'M',
    BinInt = 'J',
    Long1 = 0x8a,
    BinFloat = 'G',
    BinUnicode = 'X',
    ShortBinUnicode = 0x8c,
    BinUnicode8 = 0x8d,
    BinPut = 'q',
    LongBinPut = 'r',
    Memoize = 0x94,
    BinGet = 'h',
    LongBinGet = 'j',
    Tuple = 't',
    List = 'l',
    Tuple1 = 0x85,
    Tuple2 = 0x86,
    Tuple3 = 0x87,
    Global = 'c',
    StackGlobal = 0x93,
    Reduce = 'R',
    BinPersId = 'Q',
    SetItem = 's',
    SetItems = 'u',
    Dict = 'd',
    Append = 'a',
    Appends = 'e',
    Build = 'b',
};

struct Value;
using ValuePtr = std::shared_ptr<Value>;

enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Tensor, Storage };

/// A Python value as far as a state dict needs: reference semantics like Python,
/// so that memoised dicts filled later by SETITEMS are the same object. The reader never
/// builds a cycle (a container is never changed once it is inside another one), and a value
/// tree of any depth is destroyed without recursion.
struct Value {
    Value() = default;
    ~Value();
    Value(const Value &) = delete;
    Value &operator=(const Value &) = delete;

    Kind kind = Kind::None;
    int64_t i = 0;
    double f = 0.0;
    std::string s; ///< String; Global "module.name"
    std::vector<ValuePtr> items; ///< Tuple, List
    std::vector<std::pair<ValuePtr, ValuePtr>> dict; ///< Dict, in insertion order
    torch::Tensor tensor; ///< Tensor, Storage (1-D, flat)
    int depth = 1; ///< nesting depth of containers (1 for a scalar)
    bool sealed = false; ///< placed inside a container: it no longer changes
};

/// Limits of the reader: nesting, and memory for parsed values relative to the pickle's size.
struct Limits {
    int maxDepth = 256;
    /// Bytes of parsed values allowed: floorBytes + perPickleByte * pickle size, at most capBytes.
    uint64_t floorBytes = uint64_t{16} << 20;
    uint64_t perPickleByte = 128;
    uint64_t capBytes = uint64_t{512} << 20;
};

/// "dict", "tensor", ...
std::string kindName(Kind k);

/// The storage classes a state dict may name, "torch.FloatStorage" -> dtype.
const std::map<std::string, c10::ScalarType> &storageTypes();

/// Loads storage record `key` (the archive's "data/<key>") of `dtype`; returns the flat tensor.
/// Throws ql::core::Error when the record is missing or malformed.
using StorageLoader = std::function<torch::Tensor(const std::string &key, c10::ScalarType dtype)>;

/// Runs the restricted unpickler over `data` (the archive's data.pkl). `file` names the archive
/// in errors; `loadStorage` reads the tensor data a persistent id points at.
/// Nesting deeper than limits.maxDepth, more parsed values than the memory limit allows, a
/// tensor that reaches outside its storage and any opcode or global a state dict does not use
/// are ql::core::Error naming `file`.
ValuePtr unpickle(const std::string &file, const std::string &data, const StorageLoader &loadStorage,
                  const Limits &limits = {});

/// Whether `v` is a dict of names to tensors.
bool isTensorDict(const ValuePtr &v);

/// The data.pkl of `torch.save(OrderedDict(names -> tensors))` (protocol 2): the tensors' storages
/// are the records "data/0", "data/1", ... in the order given. Tensors must be contiguous.
std::string stateDictPickle(const std::vector<std::pair<std::string, torch::Tensor>> &tensors);

} // namespace ql::core::models::pickle
