#include "core/models/pickle.h"

#include "core/common/error.h"

#include <c10/util/irange.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <sstream>
#include <unordered_map>

namespace ql::core::models::pickle {

std::string kindName(Kind k)
{
    switch (k) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "global";
    case Kind::Tensor: return "tensor";
    case Kind::Storage: return "storage";
    }
    return "?";
}

const std::map<std::string, c10::ScalarType> &storageTypes()
{
    static const std::map<std::string, c10::ScalarType> types{
        {"torch.FloatStorage", c10::kFloat}, {"torch.DoubleStorage", c10::kDouble},
        {"torch.HalfStorage", c10::kHalf},   {"torch.BFloat16Storage", c10::kBFloat16},
        {"torch.LongStorage", c10::kLong},   {"torch.IntStorage", c10::kInt},
        {"torch.ShortStorage", c10::kShort}, {"torch.CharStorage", c10::kChar},
        {"torch.ByteStorage", c10::kByte},   {"torch.BoolStorage", c10::kBool},
    };
    return types;
}

bool isTensorDict(const ValuePtr &v)
{
    if (v->kind != Kind::Dict || v->dict.empty())
        return false;
    for (const auto &[k, val] : v->dict) {
        if (k->kind != Kind::String || val->kind != Kind::Tensor)
            return false;
    }
    return true;
}

Value::~Value()
{
    // Children that only this value holds are detached into a work list before they die, so
    // destroying a tree of any depth never recurses (a 100,000-deep tuple would overflow the stack).
    if (items.empty() && dict.empty())
        return;
    std::vector<ValuePtr> pending;
    auto detach = [&pending](Value &v) {
        for (auto &c : v.items)
            if (c && c.use_count() == 1)
                pending.push_back(std::move(c));
        for (auto &[k, c] : v.dict) {
            if (k && k.use_count() == 1)
                pending.push_back(std::move(k));
            if (c && c.use_count() == 1)
                pending.push_back(std::move(c));
        }
        v.items.clear();
        v.dict.clear();
    };
    detach(*this);
    while (!pending.empty()) {
        ValuePtr v = std::move(pending.back());
        pending.pop_back();
        detach(*v);
    }
}

namespace {

bool allowedGlobal(const std::string &name)
{
    return name == "collections.OrderedDict" || name == "torch._utils._rebuild_tensor_v2" ||
           name == "torch._utils._rebuild_parameter" || storageTypes().count(name) > 0;
}

/// What one parsed value costs in memory, roughly (the value, its control block, allocator overhead).
constexpr uint64_t kValueCost = sizeof(Value) + 64;
/// A tensor view adds a TensorImpl and its storage reference.
constexpr uint64_t kTensorCost = 512;
/// A reference held in a container, on the stack or in the memo.
constexpr uint64_t kRefCost = sizeof(ValuePtr);
constexpr size_t kMaxDims = 64;

class Unpickler {
public:
    Unpickler(std::string file, const std::string &pickle, const StorageLoader &loadStorage, const Limits &limits)
        : m_file(std::move(file)), m_data(pickle), m_loadStorage(loadStorage), m_limits(limits)
    {
        const uint64_t scaled = pickle.size() > (m_limits.capBytes / std::max<uint64_t>(1, m_limits.perPickleByte))
                                    ? m_limits.capBytes
                                    : m_limits.floorBytes + m_limits.perPickleByte * pickle.size();
        m_budget = std::min(scaled, m_limits.capBytes);
        m_budgetTotal = m_budget;
    }

    ValuePtr run()
    {
        while (true) {
            const size_t opPos = m_pos;
            const auto op = static_cast<Op>(static_cast<uint8_t>(readBytes(1)[0]));
            switch (op) {
            case Op::Proto: readBytes(1); break;
            case Op::Frame: readBytes(8); break;
            case Op::Stop: return pop("STOP");
            case Op::Mark:
                spend(sizeof(size_t));
                m_marks.push_back(m_stack.size());
                break;
            case Op::EmptyDict: push(make(Kind::Dict)); break;
            case Op::EmptyTuple: push(make(Kind::Tuple)); break;
            case Op::EmptyList: push(make(Kind::List)); break;
            case Op::None: push(make(Kind::None)); break;
            case Op::NewTrue:
            case Op::NewFalse: {
                auto v = make(Kind::Bool);
                v->i = op == Op::NewTrue ? 1 : 0;
                push(v);
                break;
            }
            case Op::BinInt1: pushInt(static_cast<int64_t>(readUInt(1))); break;
            case Op::BinInt2: pushInt(static_cast<int64_t>(readUInt(2))); break;
            case Op::BinInt: pushInt(static_cast<int32_t>(static_cast<uint32_t>(readUInt(4)))); break;
            case Op::Long1: pushInt(readLong(readUInt(1))); break;
            case Op::BinFloat: { // big endian
                const std::string b = readBytes(8);
                uint64_t bits = 0;
                for (char c : b)
                    bits = (bits << 8) | static_cast<uint8_t>(c);
                auto v = make(Kind::Float);
                std::memcpy(&v->f, &bits, sizeof(double));
                push(v);
                break;
            }
            case Op::BinUnicode: pushString(readBytes(readUInt(4))); break;
            case Op::ShortBinUnicode: pushString(readBytes(readUInt(1))); break;
            case Op::BinUnicode8: pushString(readBytes(readUInt(8))); break;
            case Op::BinPut: putMemo(readUInt(1), "BINPUT"); break;
            case Op::LongBinPut: putMemo(readUInt(4), "LONG_BINPUT"); break;
            case Op::Memoize: putMemo(m_memo.size(), "MEMOIZE"); break;
            case Op::BinGet: push(memo(readUInt(1))); break;
            case Op::LongBinGet: push(memo(readUInt(4))); break;
            case Op::Tuple: push(makeSeq(Kind::Tuple, popMark("TUPLE"), opPos)); break;
            case Op::List: push(makeSeq(Kind::List, popMark("LIST"), opPos)); break;
            case Op::Tuple1:
            case Op::Tuple2:
            case Op::Tuple3: {
                const size_t n = static_cast<size_t>(static_cast<uint8_t>(op) - static_cast<uint8_t>(Op::Tuple1) + 1);
                std::vector<ValuePtr> items(n);
                for (size_t k = n; k-- > 0;)
                    items[k] = pop("TUPLE" + std::to_string(n));
                push(makeSeq(Kind::Tuple, std::move(items), opPos));
                break;
            }
            case Op::Global: {
                std::string module = readLine();
                std::string name = readLine();
                push(makeGlobal(module + "." + name, opPos));
                break;
            }
            case Op::StackGlobal: {
                auto name = pop("STACK_GLOBAL");
                auto module = pop("STACK_GLOBAL");
                if (name->kind != Kind::String || module->kind != Kind::String)
                    fail("STACK_GLOBAL without a module and name string", opPos);
                push(makeGlobal(module->s + "." + name->s, opPos));
                break;
            }
            case Op::Reduce: {
                auto args = pop("REDUCE");
                auto callable = pop("REDUCE");
                push(reduce(callable, args, opPos));
                break;
            }
            case Op::BinPersId: push(persistentLoad(pop("BINPERSID"), opPos)); break;
            case Op::SetItem: {
                auto value = pop("SETITEM");
                auto key = pop("SETITEM");
                auto d = target(Kind::Dict, "SETITEM", opPos);
                insert(*d, key, opPos);
                insert(*d, value, opPos);
                d->dict.emplace_back(std::move(key), std::move(value));
                break;
            }
            case Op::SetItems:
            case Op::Dict: {
                const bool fresh = op == Op::Dict;
                const char *name = fresh ? "DICT" : "SETITEMS";
                auto items = popMark(name);
                if (items.size() % 2 != 0)
                    fail(std::string(name) + " with an odd number of items", opPos);
                auto d = fresh ? make(Kind::Dict) : target(Kind::Dict, name, opPos);
                for (size_t k = 0; k < items.size(); k += 2) {
                    insert(*d, items[k], opPos);
                    insert(*d, items[k + 1], opPos);
                    d->dict.emplace_back(std::move(items[k]), std::move(items[k + 1]));
                }
                if (fresh)
                    push(d);
                break;
            }
            case Op::Append: {
                auto v = pop("APPEND");
                auto l = target(Kind::List, "APPEND", opPos);
                insert(*l, v, opPos);
                l->items.push_back(std::move(v));
                break;
            }
            case Op::Appends: {
                auto items = popMark("APPENDS");
                auto l = target(Kind::List, "APPENDS", opPos);
                for (auto &v : items) {
                    insert(*l, v, opPos);
                    l->items.push_back(std::move(v));
                }
                break;
            }
            case Op::Build: {
                // Only the state of an OrderedDict (its `_metadata` attribute) is accepted; it is dropped.
                auto state = pop("BUILD");
                auto t = top("BUILD");
                if (t->kind != Kind::Dict || state->kind != Kind::Dict)
                    fail("BUILD on a " + kindName(t->kind) + " (only a dict's _metadata is accepted)", opPos);
                break;
            }
            default: {
                std::ostringstream os;
                const auto code = static_cast<int>(op);
                os << "opcode 0x" << std::hex << code;
                if (code >= 0x20 && code < 0x7f)
                    os << " ('" << static_cast<char>(code) << "')";
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
                    "QuantLens reads files written by torch.save(model.state_dict(), path); it never executes "
                    "pickled content. Re-save the weights with torch.save(model.state_dict(), path).");
    }

    /// Charges `bytes` to the memory budget of parsed values.
    void spend(uint64_t bytes)
    {
        if (bytes > m_budget)
            throw Error("Cannot read state dict '" + m_file + "': its data.pkl (" + std::to_string(m_data.size()) +
                            " bytes) builds more than " + std::to_string(m_budgetTotal >> 20) +
                            " MiB of values by byte " + std::to_string(m_pos) +
                            ", far more than any state dict of its size.",
                        "The file is damaged or was made to exhaust memory; a state dict written by "
                        "torch.save(model.state_dict(), path) loads.");
        m_budget -= bytes;
    }

    ValuePtr make(Kind kind)
    {
        spend(kValueCost);
        auto v = std::make_shared<Value>();
        v->kind = kind;
        return v;
    }

    /// Puts `child` into `parent`: no cycle (a container never holds itself and is not changed
    /// once inside another), and the depth stays within the limit.
    void insert(Value &parent, const ValuePtr &child, size_t pos)
    {
        if (child.get() == &parent)
            fail(kindName(parent.kind) + " that contains itself", pos);
        spend(kRefCost);
        child->sealed = true;
        if (child->depth + 1 > m_limits.maxDepth)
            fail("values nested more than " + std::to_string(m_limits.maxDepth) + " levels deep", pos);
        parent.depth = std::max(parent.depth, child->depth + 1);
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

    void push(ValuePtr v)
    {
        spend(kRefCost);
        m_stack.push_back(std::move(v));
    }
    void pushInt(int64_t i)
    {
        auto v = make(Kind::Int);
        v->i = i;
        push(v);
    }
    void pushString(std::string s)
    {
        spend(s.size());
        auto v = make(Kind::String);
        v->s = std::move(s);
        push(v);
    }

    ValuePtr pop(const std::string &op)
    {
        if (m_stack.empty() || (!m_marks.empty() && m_stack.size() <= m_marks.back()))
            fail(op + " on an empty stack", m_pos);
        auto v = std::move(m_stack.back());
        m_stack.pop_back();
        return v;
    }

    ValuePtr top(const std::string &op)
    {
        if (m_stack.empty() || (!m_marks.empty() && m_stack.size() <= m_marks.back()))
            fail(op + " on an empty stack", m_pos);
        return m_stack.back();
    }

    std::vector<ValuePtr> popMark(const std::string &op)
    {
        if (m_marks.empty())
            fail(op + " without a MARK", m_pos);
        const size_t mark = m_marks.back();
        m_marks.pop_back();
        std::vector<ValuePtr> items(std::make_move_iterator(m_stack.begin() + static_cast<std::ptrdiff_t>(mark)),
                                    std::make_move_iterator(m_stack.end()));
        m_stack.resize(mark);
        return items;
    }

    void putMemo(uint64_t key, const char *op)
    {
        spend(64); // a hash map node
        m_memo[key] = top(op);
    }

    ValuePtr memo(uint64_t key)
    {
        auto it = m_memo.find(key);
        if (it == m_memo.end())
            fail("reference to unknown memo entry " + std::to_string(key), m_pos);
        return it->second;
    }

    ValuePtr makeSeq(Kind kind, std::vector<ValuePtr> items, size_t pos)
    {
        auto v = make(kind);
        for (const auto &item : items)
            insert(*v, item, pos);
        v->items = std::move(items);
        return v;
    }

    /// The container on top of the stack that an opcode changes.
    ValuePtr target(Kind kind, const std::string &op, size_t pos)
    {
        auto t = top(op);
        if (t->kind != kind)
            fail(op + " on a " + kindName(t->kind), pos);
        if (t->sealed)
            fail(op + " on a " + kindName(t->kind) + " that is already inside another value", pos);
        return t;
    }

    ValuePtr makeGlobal(const std::string &name, size_t pos)
    {
        if (!allowedGlobal(name)) {
            const bool wholeModel = name.rfind("torchvision.", 0) == 0 || name.rfind("__main__.", 0) == 0 ||
                                    name.rfind("torch.nn.", 0) == 0;
            throw Error("Refusing to read '" + m_file + "': its pickle references the global '" + name + "' (byte " +
                            std::to_string(pos) + " of data.pkl), which a state dict never contains; " +
                            "QuantLens does not execute it.",
                        wholeModel ? "The file holds a whole pickled model object. In Python, save "
                                     "torch.save(model.state_dict(), path) instead, or export with torch.jit.script."
                                   : "Save the weights with torch.save(model.state_dict(), path).");
        }
        auto g = make(Kind::Global);
        g->s = name;
        return g;
    }

    std::vector<int64_t> intTuple(const ValuePtr &v, const std::string &what, size_t pos)
    {
        if (v->kind != Kind::Tuple && v->kind != Kind::List)
            fail(what + " is a " + kindName(v->kind) + ", not a tuple", pos);
        if (v->items.size() > kMaxDims)
            fail(what + " has " + std::to_string(v->items.size()) + " dimensions", pos);
        std::vector<int64_t> out;
        for (const auto &item : v->items) {
            if (item->kind != Kind::Int || item->i < 0)
                fail(what + " holds a " + kindName(item->kind) + " or a negative value", pos);
            out.push_back(item->i);
        }
        return out;
    }

    /// The tensor `_rebuild_tensor_v2(storage, offset, size, stride, ...)` describes, after checking
    /// with overflow-checked arithmetic that every element it addresses lies inside the storage.
    ValuePtr rebuildTensor(const std::vector<ValuePtr> &a, size_t pos)
    {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (a.size() < 4 || a.size() > 7 || a[0]->kind != Kind::Storage)
            fail("_rebuild_tensor_v2 with unexpected arguments", pos);
        if (a[1]->kind != Kind::Int || a[1]->i < 0)
            fail("_rebuild_tensor_v2 with a bad storage offset", pos);
        const int64_t offset = a[1]->i;
        const auto size = intTuple(a[2], "tensor size", pos);
        const auto stride = intTuple(a[3], "tensor stride", pos);
        if (size.size() != stride.size())
            fail("tensor size and stride of different lengths", pos);
        const torch::Tensor &storage = a[0]->tensor;
        const int64_t available = storage.numel();
        const std::string shape = c10::str(c10::IntArrayRef(size));
        int64_t numel = 1;
        bool overflow = false;
        for (int64_t s : size)
            overflow = overflow || __builtin_mul_overflow(numel, s, &numel);
        spend(kTensorCost);
        auto v = make(Kind::Tensor);
        if (!overflow && numel == 0) {
            // No element is read; the shape alone must still be a tensor libtorch can describe.
            int64_t span = 1;
            for (int64_t s : size)
                overflow = overflow || __builtin_mul_overflow(span, std::max<int64_t>(s, 1), &span);
            if (overflow || span > (int64_t{1} << 48))
                fail("empty tensor of size " + shape + " is out of range", pos);
            v->tensor = torch::empty(size, storage.options());
            return v;
        }
        // The last element addressed: offset + sum((size - 1) * stride).
        int64_t last = offset;
        for (size_t k = 0; k < size.size() && !overflow; ++k) {
            int64_t step = 0;
            overflow =
                __builtin_mul_overflow(size[k] - 1, stride[k], &step) || __builtin_add_overflow(last, step, &last);
        }
        if (overflow || last >= available)
            fail(
                "tensor of size " + shape + " at storage offset " + std::to_string(offset) +
                    (overflow ? " addresses elements beyond any storage" : " reaches element " + std::to_string(last)) +
                    " of a storage of " + std::to_string(available) + " elements",
                pos);
        // Views with zero strides address few elements but expand when used: the elements the
        // tensors present stay bounded by the data the file holds.
        int64_t bytes = 0;
        if (__builtin_mul_overflow(numel, static_cast<int64_t>(storage.element_size()), &bytes) ||
            __builtin_add_overflow(m_tensorBytes, bytes, &m_tensorBytes) ||
            m_tensorBytes > 8 * m_storageBytes + (int64_t{64} << 20))
            fail("its tensors present more elements (" + shape + " here) than 8 times the data the file holds", pos);
        v->tensor = storage.as_strided(size, stride, offset);
        return v;
    }

    ValuePtr reduce(const ValuePtr &callable, const ValuePtr &args, size_t pos)
    {
        if (callable->kind != Kind::Global)
            fail("REDUCE on a " + kindName(callable->kind), pos);
        if (args->kind != Kind::Tuple)
            fail("REDUCE with " + kindName(args->kind) + " arguments", pos);
        const auto &a = args->items;
        if (callable->s == "collections.OrderedDict") {
            if (!a.empty())
                fail("OrderedDict with constructor arguments", pos);
            return make(Kind::Dict);
        }
        if (callable->s == "torch._utils._rebuild_parameter") {
            if (a.size() < 2 || a[0]->kind != Kind::Tensor)
                fail("_rebuild_parameter without a tensor", pos);
            return a[0];
        }
        if (callable->s == "torch._utils._rebuild_tensor_v2")
            return rebuildTensor(a, pos);
        fail("REDUCE on '" + callable->s + "'", pos);
    }

    ValuePtr persistentLoad(const ValuePtr &pid, size_t pos)
    {
        // ('storage', storage_type, key, location, numel)
        if (pid->kind != Kind::Tuple || pid->items.size() != 5 || pid->items[0]->kind != Kind::String ||
            pid->items[0]->s != "storage" || pid->items[1]->kind != Kind::Global || pid->items[2]->kind != Kind::String)
            fail("persistent id that is not a storage reference", pos);
        const auto type = storageTypes().find(pid->items[1]->s);
        if (type == storageTypes().end())
            fail("storage of unknown type '" + pid->items[1]->s + "'", pos);
        const std::string &key = pid->items[2]->s;
        if (auto it = m_storages.find(key); it != m_storages.end()) {
            if (it->second->tensor.scalar_type() != type->second)
                fail("storage '" + key + "' used with two different types", pos);
            return it->second;
        }
        if (key.empty() || key.size() > 20 || key.find_first_not_of("0123456789") != std::string::npos)
            fail("storage key '" + key.substr(0, 40) + "' is not a number", pos);
        auto v = make(Kind::Storage);
        v->tensor = m_loadStorage(key, type->second);
        const auto &declared = pid->items[4];
        if (declared->kind == Kind::Int && declared->i != v->tensor.numel())
            fail("storage '" + key + "' declares " + std::to_string(declared->i) + " elements but its record holds " +
                     std::to_string(v->tensor.numel()),
                 pos);
        m_storageBytes += static_cast<int64_t>(v->tensor.nbytes());
        spend(64);
        m_storages[key] = v;
        return v;
    }

    std::string m_file;
    const std::string &m_data;
    const StorageLoader &m_loadStorage;
    Limits m_limits;
    uint64_t m_budget = 0;
    uint64_t m_budgetTotal = 0;
    int64_t m_storageBytes = 0;
    int64_t m_tensorBytes = 0;
    size_t m_pos = 0;
    std::vector<ValuePtr> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint64_t, ValuePtr> m_memo;
    std::unordered_map<std::string, ValuePtr> m_storages;
};

} // namespace

ValuePtr unpickle(const std::string &file, const std::string &data, const StorageLoader &loadStorage,
                  const Limits &limits)
{
    Unpickler unpickler(file, data, loadStorage, limits);
    return unpickler.run();
}

namespace {

class Writer {
public:
    void op(Op code) { m_out.push_back(static_cast<char>(code)); }
    void raw(uint8_t byte) { m_out.push_back(static_cast<char>(byte)); }
    void global(const std::string &module, const std::string &name)
    {
        op(Op::Global);
        m_out += module + "\n" + name + "\n";
    }
    void string(const std::string &s)
    {
        op(Op::BinUnicode);
        uint32Le(static_cast<uint32_t>(s.size()));
        m_out += s;
    }
    void integer(int64_t v)
    {
        if (v >= 0 && v < 256) {
            op(Op::BinInt1);
            m_out.push_back(static_cast<char>(v));
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            op(Op::BinInt);
            uint32Le(static_cast<uint32_t>(static_cast<int32_t>(v)));
        } else {
            op(Op::Long1);
            m_out.push_back(8);
            for (int k = 0; k < 8; ++k)
                m_out.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * k)) & 0xff));
        }
    }
    void intTuple(c10::IntArrayRef values)
    {
        op(Op::Mark);
        for (int64_t v : values)
            integer(v);
        op(Op::Tuple);
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

std::string stateDictPickle(const std::vector<std::pair<std::string, torch::Tensor>> &tensors)
{
    Writer p;
    p.op(Op::Proto);
    p.raw(2); // protocol 2, as torch.save writes
    p.global("collections", "OrderedDict");
    p.op(Op::EmptyTuple);
    p.op(Op::Reduce);
    p.op(Op::Mark);
    for (size_t k = 0; k < tensors.size(); ++k) {
        const auto &[name, t] = tensors[k];
        p.string(name);
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.op(Op::Mark);
        p.op(Op::Mark);
        p.string("storage");
        p.global("torch", storageName(t.scalar_type()));
        p.string(std::to_string(k));
        p.string("cpu");
        p.integer(t.numel());
        p.op(Op::Tuple);
        p.op(Op::BinPersId);
        p.integer(0); // storage offset
        p.intTuple(t.sizes());
        p.intTuple(t.strides());
        p.op(Op::NewFalse); // requires_grad
        p.global("collections", "OrderedDict");
        p.op(Op::EmptyTuple);
        p.op(Op::Reduce); // backward hooks: OrderedDict()
        p.op(Op::Tuple);
        p.op(Op::Reduce);
    }
    p.op(Op::SetItems);
    p.op(Op::Stop);
    return p.data();
}

} // namespace ql::core::models::pickle
