#include "core/models/weights.h"

#include "core/common/error.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/script.h>

#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <unordered_map>

namespace ql::core::models {

namespace {

// --- a restricted pickle interpreter -------------------------------------------

struct PValue;
using PPtr = std::shared_ptr<PValue>;

enum class PKind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Tensor, Storage };

/// A Python value as far as a state dict needs: reference semantics like Python,
/// so that memoised dicts filled later by SETITEMS are the same object.
struct PValue {
    PKind kind = PKind::None;
    int64_t i = 0;
    double f = 0.0;
    std::string s;                          ///< String; Global "module.name"
    std::vector<PPtr> items;                ///< Tuple, List
    std::vector<std::pair<PPtr, PPtr>> dict; ///< Dict, in insertion order
    torch::Tensor tensor;                   ///< Tensor, Storage (1-D, flat)
};

PPtr makeValue(PKind kind)
{
    auto v = std::make_shared<PValue>();
    v->kind = kind;
    return v;
}

std::string kindName(PKind k)
{
    switch (k) {
    case PKind::None: return "None";
    case PKind::Bool: return "bool";
    case PKind::Int: return "int";
    case PKind::Float: return "float";
    case PKind::String: return "str";
    case PKind::Tuple: return "tuple";
    case PKind::List: return "list";
    case PKind::Dict: return "dict";
    case PKind::Global: return "global";
    case PKind::Tensor: return "tensor";
    case PKind::Storage: return "storage";
    }
    return "?";
}

const std::map<std::string, c10::ScalarType> &storageTypes()
{
    static const std::map<std::string, c10::ScalarType> types{
        {"torch.FloatStorage", c10::kFloat},     {"torch.DoubleStorage", c10::kDouble},
        {"torch.HalfStorage", c10::kHalf},       {"torch.BFloat16Storage", c10::kBFloat16},
        {"torch.LongStorage", c10::kLong},       {"torch.IntStorage", c10::kInt},
        {"torch.ShortStorage", c10::kShort},     {"torch.CharStorage", c10::kChar},
        {"torch.ByteStorage", c10::kByte},       {"torch.BoolStorage", c10::kBool},
    };
    return types;
}

bool allowedGlobal(const std::string &name)
{
    return name == "collections.OrderedDict" || name == "torch._utils._rebuild_tensor_v2" ||
           name == "torch._utils._rebuild_parameter" || storageTypes().count(name) > 0;
}

class StateDictUnpickler {
public:
    StateDictUnpickler(std::string file, const std::string &pickle, caffe2::serialize::PyTorchStreamReader &reader)
        : m_file(std::move(file)), m_data(pickle), m_reader(reader)
    {
    }

    PPtr run()
    {
        while (true) {
            const size_t opPos = m_pos;
            const auto op = static_cast<uint8_t>(readBytes(1)[0]);
            switch (op) {
            case 0x80: readBytes(1); break;             // PROTO
            case 0x95: readBytes(8); break;             // FRAME
            case '.': return pop("STOP");               // STOP
            case '(': m_marks.push_back(m_stack.size()); break; // MARK
            case '}': push(makeValue(PKind::Dict)); break;      // EMPTY_DICT
            case ')': push(makeValue(PKind::Tuple)); break;     // EMPTY_TUPLE
            case ']': push(makeValue(PKind::List)); break;      // EMPTY_LIST
            case 'N': push(makeValue(PKind::None)); break;      // NONE
            case 0x88: case 0x89: {                              // NEWTRUE / NEWFALSE
                auto v = makeValue(PKind::Bool);
                v->i = op == 0x88 ? 1 : 0;
                push(v);
                break;
            }
            case 'K': pushInt(readUInt(1)); break;                               // BININT1
            case 'M': pushInt(readUInt(2)); break;                               // BININT2
            case 'J': pushInt(static_cast<int32_t>(static_cast<uint32_t>(readUInt(4)))); break; // BININT
            case 0x8a: pushInt(readLong(readUInt(1))); break;                    // LONG1
            case 'G': {                                                          // BINFLOAT (big endian)
                const std::string b = readBytes(8);
                uint64_t bits = 0;
                for (char c : b)
                    bits = (bits << 8) | static_cast<uint8_t>(c);
                auto v = makeValue(PKind::Float);
                std::memcpy(&v->f, &bits, sizeof(double));
                push(v);
                break;
            }
            case 'X': pushString(readBytes(readUInt(4))); break;    // BINUNICODE
            case 0x8c: pushString(readBytes(readUInt(1))); break;   // SHORT_BINUNICODE
            case 0x8d: pushString(readBytes(readUInt(8))); break;   // BINUNICODE8
            case 'q': m_memo[readUInt(1)] = top("BINPUT"); break;  // BINPUT
            case 'r': m_memo[readUInt(4)] = top("LONG_BINPUT"); break; // LONG_BINPUT
            case 0x94: m_memo[m_memo.size()] = top("MEMOIZE"); break;  // MEMOIZE
            case 'h': push(memo(readUInt(1))); break;               // BINGET
            case 'j': push(memo(readUInt(4))); break;               // LONG_BINGET
            case 't': push(makeSeq(PKind::Tuple, popMark("TUPLE"))); break; // TUPLE
            case 'l': push(makeSeq(PKind::List, popMark("LIST"))); break;   // LIST
            case 0x85: case 0x86: case 0x87: {                              // TUPLE1..3
                const size_t n = static_cast<size_t>(op - 0x84);
                std::vector<PPtr> items(n);
                for (size_t k = n; k-- > 0;)
                    items[k] = pop("TUPLE" + std::to_string(n));
                push(makeSeq(PKind::Tuple, std::move(items)));
                break;
            }
            case 'c': {                                                      // GLOBAL
                std::string module = readLine();
                std::string name = readLine();
                push(makeGlobal(module + "." + name, opPos));
                break;
            }
            case 0x93: {                                                     // STACK_GLOBAL
                auto name = pop("STACK_GLOBAL");
                auto module = pop("STACK_GLOBAL");
                if (name->kind != PKind::String || module->kind != PKind::String)
                    fail("STACK_GLOBAL without a module and name string", opPos);
                push(makeGlobal(module->s + "." + name->s, opPos));
                break;
            }
            case 'R': {                                                      // REDUCE
                auto args = pop("REDUCE");
                auto callable = pop("REDUCE");
                push(reduce(callable, args, opPos));
                break;
            }
            case 'Q': push(persistentLoad(pop("BINPERSID"), opPos)); break;  // BINPERSID
            case 's': {                                                      // SETITEM
                auto value = pop("SETITEM");
                auto key = pop("SETITEM");
                dictTarget("SETITEM", opPos)->dict.emplace_back(key, value);
                break;
            }
            case 'u': {                                                      // SETITEMS
                auto items = popMark("SETITEMS");
                if (items.size() % 2 != 0)
                    fail("SETITEMS with an odd number of items", opPos);
                auto d = dictTarget("SETITEMS", opPos);
                for (size_t k = 0; k < items.size(); k += 2)
                    d->dict.emplace_back(items[k], items[k + 1]);
                break;
            }
            case 'd': {                                                      // DICT
                auto items = popMark("DICT");
                if (items.size() % 2 != 0)
                    fail("DICT with an odd number of items", opPos);
                auto d = makeValue(PKind::Dict);
                for (size_t k = 0; k < items.size(); k += 2)
                    d->dict.emplace_back(items[k], items[k + 1]);
                push(d);
                break;
            }
            case 'a': {                                                      // APPEND
                auto v = pop("APPEND");
                listTarget("APPEND", opPos)->items.push_back(v);
                break;
            }
            case 'e': {                                                      // APPENDS
                auto items = popMark("APPENDS");
                auto l = listTarget("APPENDS", opPos);
                l->items.insert(l->items.end(), items.begin(), items.end());
                break;
            }
            case 'b': {                                                      // BUILD
                // Only the state of an OrderedDict (its `_metadata` attribute) is accepted; it is dropped.
                auto state = pop("BUILD");
                auto target = top("BUILD");
                if (target->kind != PKind::Dict || state->kind != PKind::Dict)
                    fail("BUILD on a " + kindName(target->kind) + " (only a dict's _metadata is accepted)", opPos);
                break;
            }
            default: {
                std::ostringstream os;
                os << "opcode 0x" << std::hex << static_cast<int>(op);
                if (op >= 0x20 && op < 0x7f)
                    os << " ('" << static_cast<char>(op) << "')";
                fail("unsupported pickle " + os.str(), opPos);
            }
            }
        }
    }

private:
    [[noreturn]] void fail(const std::string &what, size_t pos) const
    {
        throw Error("Cannot read state dict '" + m_file + "': " + what + " at byte " + std::to_string(pos) +
                        " of data.pkl.",
                    "QuantLens reads files written by torch.save(model.state_dict(), path) and TorchScript "
                    "archives; it never executes other pickled content. Re-save the weights with "
                    "torch.save(model.state_dict(), path).");
    }

    std::string readBytes(uint64_t n)
    {
        if (n > m_data.size() - m_pos)
            fail("unexpected end of the pickle (wanted " + std::to_string(n) + " bytes)", m_pos);
        std::string out = m_data.substr(m_pos, static_cast<size_t>(n));
        m_pos += static_cast<size_t>(n);
        return out;
    }

    uint64_t readUInt(int bytes)
    {
        const std::string b = readBytes(static_cast<uint64_t>(bytes));
        uint64_t v = 0;
        for (int k = bytes - 1; k >= 0; --k)
            v = (v << 8) | static_cast<uint8_t>(b[static_cast<size_t>(k)]);
        return v;
    }

    int64_t readLong(uint64_t n)
    {
        if (n > 8)
            fail("integer wider than 64 bits", m_pos);
        if (n == 0)
            return 0;
        const std::string b = readBytes(n);
        uint64_t v = 0;
        for (size_t k = n; k-- > 0;)
            v = (v << 8) | static_cast<uint8_t>(b[k]);
        if (n < 8 && (static_cast<uint8_t>(b[n - 1]) & 0x80))
            v |= ~uint64_t{0} << (8 * n); // sign-extend
        return static_cast<int64_t>(v);
    }

    std::string readLine()
    {
        const size_t end = m_data.find('\n', m_pos);
        if (end == std::string::npos || end - m_pos > 256)
            fail("malformed GLOBAL", m_pos);
        std::string line = m_data.substr(m_pos, end - m_pos);
        m_pos = end + 1;
        return line;
    }

    void push(PPtr v) { m_stack.push_back(std::move(v)); }
    void pushInt(int64_t i)
    {
        auto v = makeValue(PKind::Int);
        v->i = i;
        push(v);
    }
    void pushString(std::string s)
    {
        auto v = makeValue(PKind::String);
        v->s = std::move(s);
        push(v);
    }

    PPtr pop(const std::string &op)
    {
        if (m_stack.empty() || (!m_marks.empty() && m_stack.size() <= m_marks.back()))
            fail(op + " on an empty stack", m_pos);
        auto v = std::move(m_stack.back());
        m_stack.pop_back();
        return v;
    }

    PPtr top(const std::string &op)
    {
        if (m_stack.empty())
            fail(op + " on an empty stack", m_pos);
        return m_stack.back();
    }

    std::vector<PPtr> popMark(const std::string &op)
    {
        if (m_marks.empty())
            fail(op + " without a MARK", m_pos);
        const size_t mark = m_marks.back();
        m_marks.pop_back();
        std::vector<PPtr> items(m_stack.begin() + static_cast<std::ptrdiff_t>(mark), m_stack.end());
        m_stack.resize(mark);
        return items;
    }

    PPtr memo(uint64_t key)
    {
        auto it = m_memo.find(key);
        if (it == m_memo.end())
            fail("reference to unknown memo entry " + std::to_string(key), m_pos);
        return it->second;
    }

    static PPtr makeSeq(PKind kind, std::vector<PPtr> items)
    {
        auto v = makeValue(kind);
        v->items = std::move(items);
        return v;
    }

    PPtr dictTarget(const std::string &op, size_t pos)
    {
        auto d = top(op);
        if (d->kind != PKind::Dict)
            fail(op + " on a " + kindName(d->kind), pos);
        return d;
    }

    PPtr listTarget(const std::string &op, size_t pos)
    {
        auto l = top(op);
        if (l->kind != PKind::List)
            fail(op + " on a " + kindName(l->kind), pos);
        return l;
    }

    PPtr makeGlobal(const std::string &name, size_t pos)
    {
        if (!allowedGlobal(name)) {
            const bool wholeModel = name.rfind("torchvision.", 0) == 0 || name.rfind("__main__.", 0) == 0 ||
                                    name.rfind("torch.nn.", 0) == 0;
            throw Error("Refusing to read '" + m_file + "': its pickle references the global '" + name +
                            "' (byte " + std::to_string(pos) + " of data.pkl), which a state dict never contains; " +
                            "QuantLens does not execute it.",
                        wholeModel ? "The file holds a whole pickled model object. In Python, save "
                                     "torch.save(model.state_dict(), path) instead, or export with torch.jit.script."
                                   : "Save the weights with torch.save(model.state_dict(), path).");
        }
        auto g = makeValue(PKind::Global);
        g->s = name;
        return g;
    }

    static int64_t asInt(const PPtr &v, bool &ok)
    {
        if (v->kind != PKind::Int) {
            ok = false;
            return 0;
        }
        return v->i;
    }

    std::vector<int64_t> intTuple(const PPtr &v, const std::string &what, size_t pos)
    {
        if (v->kind != PKind::Tuple && v->kind != PKind::List)
            fail(what + " is a " + kindName(v->kind) + ", not a tuple", pos);
        std::vector<int64_t> out;
        for (const auto &item : v->items) {
            bool ok = true;
            out.push_back(asInt(item, ok));
            if (!ok || out.back() < 0)
                fail(what + " holds a " + kindName(item->kind) + " or a negative value", pos);
        }
        return out;
    }

    PPtr reduce(const PPtr &callable, const PPtr &args, size_t pos)
    {
        if (callable->kind != PKind::Global)
            fail("REDUCE on a " + kindName(callable->kind), pos);
        if (args->kind != PKind::Tuple)
            fail("REDUCE with " + kindName(args->kind) + " arguments", pos);
        const auto &a = args->items;
        if (callable->s == "collections.OrderedDict") {
            if (!a.empty())
                fail("OrderedDict with constructor arguments", pos);
            return makeValue(PKind::Dict);
        }
        if (callable->s == "torch._utils._rebuild_parameter") {
            if (a.size() < 2 || a[0]->kind != PKind::Tensor)
                fail("_rebuild_parameter without a tensor", pos);
            return a[0];
        }
        if (callable->s == "torch._utils._rebuild_tensor_v2") {
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            if (a.size() < 4 || a[0]->kind != PKind::Storage)
                fail("_rebuild_tensor_v2 with unexpected arguments", pos);
            bool ok = true;
            const int64_t offset = asInt(a[1], ok);
            if (!ok || offset < 0)
                fail("_rebuild_tensor_v2 with a bad storage offset", pos);
            const auto size = intTuple(a[2], "tensor size", pos);
            const auto stride = intTuple(a[3], "tensor stride", pos);
            if (size.size() != stride.size())
                fail("tensor size and stride of different lengths", pos);
            const torch::Tensor &storage = a[0]->tensor;
            int64_t last = offset;
            bool empty = false;
            for (size_t k = 0; k < size.size(); ++k) {
                if (size[k] == 0)
                    empty = true;
                else if (size[k] > (int64_t{1} << 40) || stride[k] > (int64_t{1} << 40))
                    fail("tensor size or stride out of range", pos);
                else
                    last += (size[k] - 1) * stride[k];
            }
            if (!empty && last >= storage.numel())
                fail("tensor of size " + c10::str(c10::IntArrayRef(size)) + " reaches element " +
                         std::to_string(last) + " of a storage of " + std::to_string(storage.numel()) + " elements",
                     pos);
            auto v = makeValue(PKind::Tensor);
            v->tensor = empty ? torch::empty(size, storage.options()) : storage.as_strided(size, stride, offset);
            return v;
        }
        fail("REDUCE on '" + callable->s + "'", pos);
    }

    PPtr persistentLoad(const PPtr &pid, size_t pos)
    {
        // ('storage', storage_type, key, location, numel)
        if (pid->kind != PKind::Tuple || pid->items.size() != 5 || pid->items[0]->kind != PKind::String ||
            pid->items[0]->s != "storage" || pid->items[1]->kind != PKind::Global ||
            pid->items[2]->kind != PKind::String)
            fail("persistent id that is not a storage reference", pos);
        const auto type = storageTypes().find(pid->items[1]->s);
        if (type == storageTypes().end())
            fail("storage of unknown type '" + pid->items[1]->s + "'", pos);
        const std::string &key = pid->items[2]->s;
        if (auto it = m_storages.find(key); it != m_storages.end())
            return it->second;
        if (key.empty() || key.find_first_not_of("0123456789") != std::string::npos)
            fail("storage key '" + key + "' is not a number", pos);
        const std::string record = "data/" + key;
        if (!m_reader.hasRecord(record))
            fail("storage record '" + record + "' missing from the archive", pos);
        auto [ptr, bytes] = m_reader.getRecord(record);
        const auto elem = static_cast<size_t>(c10::elementSize(type->second));
        if (bytes % elem != 0)
            fail("storage record '" + record + "' has " + std::to_string(bytes) + " bytes, not a multiple of " +
                     std::to_string(elem),
                 pos);
        auto storage = torch::empty({static_cast<int64_t>(bytes / elem)}, torch::TensorOptions().dtype(type->second));
        if (bytes > 0)
            std::memcpy(storage.data_ptr(), ptr.get(), bytes);
        auto v = makeValue(PKind::Storage);
        v->tensor = storage;
        m_storages[key] = v;
        return v;
    }

    std::string m_file;
    const std::string &m_data;
    caffe2::serialize::PyTorchStreamReader &m_reader;
    size_t m_pos = 0;
    std::vector<PPtr> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint64_t, PPtr> m_memo;
    std::unordered_map<std::string, PPtr> m_storages;
};

bool isTensorDict(const PPtr &v)
{
    if (v->kind != PKind::Dict || v->dict.empty())
        return false;
    for (const auto &[k, val] : v->dict) {
        if (k->kind != PKind::String || val->kind != PKind::Tensor)
            return false;
    }
    return true;
}

std::unique_ptr<caffe2::serialize::PyTorchStreamReader> openArchive(const std::filesystem::path &path)
{
    const std::string file = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("Cannot open weights file '" + file + "'.", "Check that the file exists and is readable.");
    char magic[4] = {};
    in.read(magic, 4);
    if (in.gcount() < 4 || std::memcmp(magic, "PK\x03\x04", 4) != 0) {
        const bool legacy = in.gcount() >= 2 && static_cast<uint8_t>(magic[0]) == 0x80;
        throw Error("'" + file + "' is not a PyTorch zip archive" +
                        (legacy ? " (it looks like the legacy pre-1.6 torch.save format)." : "."),
                    legacy ? "Re-save it with a current PyTorch: torch.save(torch.load(path), new_path)."
                           : "Give a file written by torch.save(model.state_dict(), path) or torch.jit.save.");
    }
    in.close();
    try {
        return std::make_unique<caffe2::serialize::PyTorchStreamReader>(file);
    } catch (const std::exception &e) {
        const std::string what = e.what();
        throw Error("'" + file + "' is a corrupt or truncated archive: " + what.substr(0, what.find('\n')),
                    "Save the weights again; the file may have been cut short by a failed copy or download.");
    }
}

} // namespace

NamedTensors readStateDict(const std::filesystem::path &path)
{
    const std::string file = path.string();
    auto reader = openArchive(path);
    std::string pickle;
    try {
        if (reader->hasRecord("constants.pkl"))
            throw Error("'" + file + "' is a TorchScript archive, not a state dict.",
                        "Load it with readTorchScript or loadWeights, which detects the format.");
        if (!reader->hasRecord("data.pkl"))
            throw Error("'" + file + "' holds no data.pkl record: it is not a torch.save archive.",
                        "Give a file written by torch.save(model.state_dict(), path).");
        auto [ptr, bytes] = reader->getRecord("data.pkl");
        pickle.assign(static_cast<const char *>(ptr.get()), bytes);
    } catch (const c10::Error &e) {
        throw Error("'" + file + "' is a corrupt archive: " + e.what_without_backtrace(),
                    "Save the weights again with torch.save(model.state_dict(), path).");
    }

    PPtr root;
    try {
        StateDictUnpickler unpickler(file, pickle, *reader);
        root = unpickler.run();
    } catch (const c10::Error &e) {
        throw Error("'" + file + "' is a corrupt archive: " + e.what_without_backtrace(),
                    "Save the weights again with torch.save(model.state_dict(), path).");
    }

    if (!isTensorDict(root) && root->kind == PKind::Dict) {
        for (const char *key : {"state_dict", "model_state_dict", "model"}) {
            for (const auto &[k, v] : root->dict) {
                if (k->kind == PKind::String && k->s == key && isTensorDict(v)) {
                    root = v;
                    break;
                }
            }
            if (isTensorDict(root))
                break;
        }
    }
    if (!isTensorDict(root))
        throw Error("'" + file + "' does not hold a state dict (a dict of names to tensors); its top level is a " +
                        kindName(root->kind) + ".",
                    "Save the weights with torch.save(model.state_dict(), path).");
    NamedTensors out;
    out.reserve(root->dict.size());
    for (const auto &[k, v] : root->dict)
        out.emplace_back(k->s, v->tensor);
    return out;
}

NamedTensors readTorchScript(const std::filesystem::path &path)
{
    const std::string file = path.string();
    openArchive(path); // a clear message for non-zip and corrupt files before jit sees them
    torch::jit::Module module;
    try {
        module = torch::jit::load(file, torch::kCPU);
    } catch (const std::exception &e) {
        const std::string what = e.what();
        throw Error("Cannot load TorchScript archive '" + file + "': " + what.substr(0, what.find('\n')),
                    "Export the model with torch.jit.script(model).save(path) or torch.jit.trace.");
    }
    NamedTensors out;
    for (const auto &p : module.named_parameters(/*recurse=*/true))
        out.emplace_back(p.name, p.value);
    for (const auto &b : module.named_buffers(/*recurse=*/true))
        out.emplace_back(b.name, b.value);
    return out;
}

// --- writing ------------------------------------------------------------------

namespace {

class PickleWriter {
public:
    void op(uint8_t code) { m_out.push_back(static_cast<char>(code)); }
    void global(const std::string &module, const std::string &name)
    {
        op('c');
        m_out += module + "\n" + name + "\n";
    }
    void string(const std::string &s)
    {
        op('X');
        uint32Le(static_cast<uint32_t>(s.size()));
        m_out += s;
    }
    void integer(int64_t v)
    {
        if (v >= 0 && v < 256) {
            op('K');
            m_out.push_back(static_cast<char>(v));
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            op('J');
            uint32Le(static_cast<uint32_t>(static_cast<int32_t>(v)));
        } else {
            op(0x8a);
            m_out.push_back(8);
            for (int k = 0; k < 8; ++k)
                m_out.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * k)) & 0xff));
        }
    }
    void intTuple(c10::IntArrayRef values)
    {
        op('(');
        for (int64_t v : values)
            integer(v);
        op('t');
    }
    const std::string &data() const { return m_out; }

private:
    void uint32Le(uint32_t v)
    {
        for (int k = 0; k < 4; ++k)
            m_out.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
    }
    std::string m_out;
};

std::string storageName(c10::ScalarType t)
{
    for (const auto &[name, type] : storageTypes()) {
        if (type == t)
            return name.substr(std::string("torch.").size());
    }
    throw Error(std::string("Cannot save a tensor of dtype ") + c10::toString(t) + " in a state dict.",
                "Convert it to a standard dtype first.");
}

} // namespace

void writeStateDict(const NamedTensors &tensors, const std::filesystem::path &path)
{
    const std::string file = path.string();
    {
        // PyTorchStreamWriter aborts the process on some open errors; check writability first.
        std::ofstream probe(path, std::ios::binary | std::ios::trunc);
        if (!probe)
            throw Error("Cannot write weights file '" + file + "'.", "Check that the folder exists and is writable.");
    }
    PickleWriter p;
    std::vector<torch::Tensor> storages;
    p.op(0x80);
    p.op(2); // protocol 2, as torch.save writes
    p.global("collections", "OrderedDict");
    p.op(')');
    p.op('R');
    p.op('(');
    for (const auto &[name, tensor] : tensors) {
        const auto t = tensor.detach().to(torch::kCPU).contiguous();
        const std::string key = std::to_string(storages.size());
        storages.push_back(t);
        p.string(name);
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.op('(');
        p.op('(');
        p.string("storage");
        p.global("torch", storageName(t.scalar_type()));
        p.string(key);
        p.string("cpu");
        p.integer(t.numel());
        p.op('t');
        p.op('Q');          // BINPERSID
        p.integer(0);       // storage offset
        p.intTuple(t.sizes());
        p.intTuple(t.strides());
        p.op(0x89);         // requires_grad = False
        p.global("collections", "OrderedDict");
        p.op(')');
        p.op('R');          // backward hooks: OrderedDict()
        p.op('t');
        p.op('R');
    }
    p.op('u');
    p.op('.');
    try {
        caffe2::serialize::PyTorchStreamWriter writer(file);
        writer.writeRecord("data.pkl", p.data().data(), p.data().size());
        for (size_t k = 0; k < storages.size(); ++k) {
            const auto &t = storages[k];
            writer.writeRecord("data/" + std::to_string(k), t.data_ptr(), t.numel() * t.element_size());
        }
        writer.writeEndOfFile();
    } catch (const c10::Error &e) {
        throw Error("Cannot write weights file '" + file + "': " + e.what_without_backtrace(),
                    "Check the free disk space and the folder's permissions.");
    }
}

// --- applying ---------------------------------------------------------------------

std::string LoadReport::summary() const
{
    std::ostringstream os;
    os << (format == WeightFormat::TorchScript ? "TorchScript archive" : "State dict") << " '" << source
       << "': " << loaded.size() << " tensors loaded";
    if (!strippedPrefix.empty())
        os << " (prefix '" << strippedPrefix << "' removed)";
    os << ".";
    auto list = [&os](const char *title, const std::vector<std::string> &names) {
        if (names.empty())
            return;
        os << " " << title << " (" << names.size() << "):";
        for (size_t k = 0; k < names.size(); ++k)
            os << (k ? ", " : " ") << names[k];
        os << ".";
    };
    list("Missing from the file", missing);
    list("Unexpected in the file", unexpected);
    if (!wrongShape.empty()) {
        os << " Wrong shape (" << wrongShape.size() << "):";
        for (size_t k = 0; k < wrongShape.size(); ++k)
            os << (k ? ", " : " ") << wrongShape[k].name << " model " << c10::IntArrayRef(wrongShape[k].expected)
               << " file " << c10::IntArrayRef(wrongShape[k].found);
        os << ".";
    }
    return os.str();
}

LoadReport applyStateDict(QuantModelImpl &model, const NamedTensors &tensors, const std::string &source, bool strict)
{
    LoadReport report;
    report.source = source;
    const auto target = model.stateDict();
    std::unordered_map<std::string, torch::Tensor> targetByName;
    for (const auto &[name, t] : target)
        targetByName.emplace(name, t);

    // Checkpoints saved from nn.DataParallel prefix every name with "module.".
    NamedTensors source_ = tensors;
    const std::string dp = "module.";
    bool allPrefixed = !tensors.empty();
    bool anyMatch = false;
    for (const auto &[name, t] : tensors) {
        allPrefixed = allPrefixed && name.rfind(dp, 0) == 0;
        anyMatch = anyMatch || targetByName.count(name) > 0;
    }
    if (allPrefixed && !anyMatch) {
        for (auto &item : source_)
            item.first = item.first.substr(dp.size());
        report.strippedPrefix = dp;
    }

    std::set<std::string> seen;
    std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
    for (const auto &[name, t] : source_) {
        auto it = targetByName.find(name);
        if (it == targetByName.end()) {
            report.unexpected.push_back(name);
            continue;
        }
        seen.insert(name);
        if (!t.sizes().equals(it->second.sizes())) {
            report.wrongShape.push_back({name, it->second.sizes().vec(), t.sizes().vec()});
            continue;
        }
        copies.emplace_back(it->second, t);
        report.loaded.push_back(name);
    }
    for (const auto &[name, t] : target) {
        if (!seen.count(name))
            report.missing.push_back(name);
    }
    if (strict && !report.complete())
        throw Error("Weights in '" + source + "' do not fit model '" + model.archName() + "'. " + report.summary(),
                    "Check that the file was saved from the same architecture with the same class count "
                    "and input channels.");
    torch::NoGradGuard noGrad;
    for (auto &[dst, src] : copies)
        dst.copy_(src.to(dst.device(), dst.scalar_type()));
    return report;
}

LoadReport loadWeights(QuantModelImpl &model, const std::filesystem::path &path, bool strict)
{
    bool torchScript = false;
    {
        auto reader = openArchive(path);
        try {
            torchScript = reader->hasRecord("constants.pkl");
        } catch (const c10::Error &) {
            torchScript = false;
        }
    }
    const auto tensors = torchScript ? readTorchScript(path) : readStateDict(path);
    auto report = applyStateDict(model, tensors, path.string(), strict);
    report.format = torchScript ? WeightFormat::TorchScript : WeightFormat::StateDict;
    return report;
}

void saveWeights(const QuantModelImpl &model, const std::filesystem::path &path)
{
    writeStateDict(model.stateDict(), path);
}

} // namespace ql::core::models
