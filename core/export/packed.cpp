#include "core/export/packed.h"

#include "core/common/error.h"
#include "core/quant/pot.h"

#include <torch/torch.h>

#include <cstring>
#include <fstream>

namespace ql::core::exporting {

namespace {

constexpr char kMagic[8] = {'Q', 'L', 'P', 'A', 'C', 'K', '\0', '\1'};

class Bytes {
public:
    template <typename T>
    void put(T v)
    {
        char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T)); // little-endian hosts (x86, ARM), as the format is
        m_data.append(b, sizeof(T));
    }
    void str(const std::string &s)
    {
        put<uint16_t>(static_cast<uint16_t>(s.size()));
        m_data += s;
    }
    void floats(const torch::Tensor &t)
    {
        const auto f = t.to(torch::kFloat).contiguous();
        m_data.append(static_cast<const char *>(f.data_ptr()), static_cast<size_t>(f.nbytes()));
    }
    size_t size() const { return m_data.size(); }
    std::string &data() { return m_data; }

private:
    std::string m_data;
};

class Reader {
public:
    Reader(const std::string &data, std::string file) : m_data(data), m_file(std::move(file)) { }
    template <typename T>
    T get()
    {
        need(sizeof(T));
        T v;
        std::memcpy(&v, m_data.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return v;
    }
    std::string str()
    {
        const auto n = get<uint16_t>();
        need(n);
        std::string s = m_data.substr(m_pos, n);
        m_pos += n;
        return s;
    }
    torch::Tensor floats(int64_t n)
    {
        if (n < 0 || n > (int64_t{1} << 34))
            fail("a float array of " + std::to_string(n) + " values");
        need(static_cast<size_t>(n) * 4);
        auto t = torch::empty({n}, torch::kFloat);
        std::memcpy(t.data_ptr(), m_data.data() + m_pos, static_cast<size_t>(n) * 4);
        m_pos += static_cast<size_t>(n) * 4;
        return t;
    }
    size_t pos() const { return m_pos; }
    [[noreturn]] void fail(const std::string &what) const
    {
        throw Error("Packed weights '" + m_file + "' are damaged: " + what + " at byte " + std::to_string(m_pos) + ".",
                    "Export the model again.");
    }

private:
    void need(size_t n) const
    {
        if (m_pos + n > m_data.size())
            fail("the file ends early");
    }
    const std::string &m_data;
    std::string m_file;
    size_t m_pos = 0;
};

/// Codes (int64) minus `offset`, `bits` each, LSB first.
std::string packCodes(const torch::Tensor &codes, int64_t offset, int bits, const std::string &layer)
{
    const auto c = codes.to(torch::kLong).contiguous();
    const int64_t *v = c.data_ptr<int64_t>();
    const int64_t n = c.numel();
    std::string out(static_cast<size_t>((n * bits + 7) / 8), '\0');
    const uint64_t limit = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    int64_t bit = 0;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t u = v[i] - offset;
        if (u < 0 || static_cast<uint64_t>(u) > limit)
            throw Error("Packed export: layer '" + layer + "' has code " + std::to_string(v[i]) + ", outside the " +
                        std::to_string(bits) + "-bit range from " + std::to_string(offset) + ". Nothing was written.");
        for (int b = 0; b < bits; ++b, ++bit)
            if ((static_cast<uint64_t>(u) >> b) & 1u)
                out[static_cast<size_t>(bit / 8)] =
                    static_cast<char>(out[static_cast<size_t>(bit / 8)] | (1 << (bit % 8)));
    }
    return out;
}

torch::Tensor unpackCodes(const char *data, int64_t n, int64_t offset, int bits)
{
    auto out = torch::empty({n}, torch::kLong);
    int64_t *o = out.data_ptr<int64_t>();
    int64_t bit = 0;
    for (int64_t i = 0; i < n; ++i) {
        uint64_t u = 0;
        for (int b = 0; b < bits; ++b, ++bit)
            if ((static_cast<unsigned char>(data[bit / 8]) >> (bit % 8)) & 1u)
                u |= uint64_t{1} << b;
        o[i] = static_cast<int64_t>(u) + offset;
    }
    return out;
}

struct LayerBytes {
    std::string header; ///< without the trailing payload offset fields
    std::string codes;
    std::string bias;
    std::string tail; ///< what follows the payload fields in the header
};

void activationRecord(Bytes &b, const ActPlan &a)
{
    const int enc = a.kind == ActKind::None ? 0 : a.kind == ActKind::Uniform ? 1 : a.kind == ActKind::Asq ? 2 : 3;
    b.put<uint8_t>(static_cast<uint8_t>(enc));
    b.put<uint8_t>(static_cast<uint8_t>(a.kind == ActKind::None ? 32 : a.spec.bits));
    b.put<uint8_t>(a.isSigned ? 1 : 0);
    b.put<uint8_t>(a.hasOffset ? 1 : 0);
    b.put<int64_t>(a.range.lo);
    b.put<int64_t>(a.range.hi);
    b.put<float>(static_cast<float>(a.scale));
    b.put<float>(static_cast<float>(a.offset));
    if (a.kind == ActKind::Asq) {
        const int64_t h = a.hiddenWeight.defined() ? a.hiddenWeight.size(0) : 0;
        const int64_t in = h > 0 ? a.hiddenWeight.size(1) : a.outWeight.size(1);
        b.put<uint32_t>(static_cast<uint32_t>(in));
        b.put<uint32_t>(static_cast<uint32_t>(h));
        if (h > 0) {
            b.floats(a.hiddenWeight);
            b.floats(a.hiddenBias);
        }
        b.floats(a.outWeight);
        b.floats(a.outBias);
    } else if (a.kind == ActKind::Levels) {
        b.put<uint32_t>(static_cast<uint32_t>(a.magnitudes.size()));
        for (double m : a.magnitudes)
            b.put<float>(static_cast<float>(m));
    }
}

LayerBytes layerBytes(const LayerPlan &p)
{
    LayerBytes out;
    Bytes h;
    const auto &w = p.weight;
    const int64_t C = p.outChannels();
    int enc = 0, bits = 32, P = 0;
    int64_t offset = 0;
    switch (w.kind) {
    case WeightKind::None: break;
    case WeightKind::Uniform: enc = 1, bits = w.spec.bits, P = 1, offset = w.range.lo; break;
    case WeightKind::Multipoint:
        enc = 2, bits = w.spec.bits, P = static_cast<int>(w.pointCodes.size()), offset = w.range.lo;
        break;
    case WeightKind::Levels:
        enc = 3, bits = types::storageBits(w.spec), P = 1, offset = -(w.magnitudes.numel() - 1);
        break;
    }
    const bool perChannel = w.kind != WeightKind::None && (w.perChannel || w.kind == WeightKind::Multipoint);
    h.str(p.name);
    h.put<uint8_t>(p.kind == models::LayerKind::Linear ? 1 : 0);
    h.put<uint8_t>(static_cast<uint8_t>(enc));
    h.put<uint8_t>(static_cast<uint8_t>(bits));
    h.put<uint8_t>(static_cast<uint8_t>((perChannel ? 1 : 0) | (p.bn ? 2 : 0) | (p.bias.defined() ? 4 : 0)));
    const auto shape = w.dequantized.sizes().vec();
    h.put<uint8_t>(static_cast<uint8_t>(shape.size()));
    for (int64_t d : shape)
        h.put<int64_t>(d);
    h.put<int64_t>(offset);
    const int64_t channels = perChannel ? C : 1;
    h.put<uint32_t>(static_cast<uint32_t>(channels));
    h.put<uint32_t>(static_cast<uint32_t>(P));
    switch (w.kind) {
    case WeightKind::None:
        out.codes.assign(static_cast<const char *>(w.dequantized.contiguous().data_ptr()),
                         static_cast<size_t>(w.dequantized.nbytes()));
        break;
    case WeightKind::Uniform:
        h.floats(perChannel ? w.scale : w.scale.slice(0, 0, 1));
        out.codes = packCodes(w.codes, offset, bits, p.name);
        break;
    case WeightKind::Multipoint: {
        for (int n : w.points)
            h.put<uint8_t>(static_cast<uint8_t>(n));
        h.floats(w.pointScales);
        const int64_t K = w.codes[0].numel();
        std::vector<torch::Tensor> rows;
        for (int64_t c = 0; c < C; ++c)
            for (int i = 0; i < w.points[static_cast<size_t>(c)]; ++i)
                rows.push_back(w.pointCodes[static_cast<size_t>(i)][c].reshape({K}));
        out.codes = packCodes(torch::cat(rows), offset, bits, p.name);
        break;
    }
    case WeightKind::Levels:
        h.floats(perChannel ? w.alpha : w.alpha.slice(0, 0, 1));
        h.put<uint32_t>(static_cast<uint32_t>(w.magnitudes.numel()));
        h.floats(w.magnitudes);
        out.codes = packCodes(w.codes, offset, bits, p.name);
        break;
    }
    if (p.bn) {
        const auto mean = p.bn->running_mean.detach().to(torch::kCPU).to(torch::kDouble);
        const auto beta = p.bn->bias.detach().to(torch::kCPU).to(torch::kDouble);
        h.floats(p.bnScale);
        h.floats(beta - p.bnScale * mean);
    }
    if (p.bias.defined())
        out.bias.assign(static_cast<const char *>(p.bias.contiguous().data_ptr()),
                        static_cast<size_t>(p.bias.nbytes()));
    out.header = std::move(h.data());

    Bytes t;
    activationRecord(t, p.act);
    std::vector<int64_t> lut;
    int frac = 0;
    if (w.kind == WeightKind::Levels && w.spec.method == types::Method::Post && p.act.kind == ActKind::Uniform &&
        p.act.range.lo == 0 && p.act.spec.bits <= 8) {
        const quant::PostLut post(w.spec.bits, p.act.spec.bits, /*fracBits=*/8, w.spec.potVariant);
        lut = post.lut();
        frac = post.fracBits();
    }
    t.put<uint32_t>(static_cast<uint32_t>(lut.size()));
    t.put<uint8_t>(static_cast<uint8_t>(frac));
    for (int64_t v : lut)
        t.put<int32_t>(static_cast<int32_t>(v));
    out.tail = std::move(t.data());
    return out;
}

} // namespace

std::string packedBytes(const ExportPlan &plan)
{
    std::vector<LayerBytes> layers;
    for (const auto &p : plan.layers)
        layers.push_back(layerBytes(p));
    uint64_t headerBytes = 8 + 4 + 4 + 8 + 8;
    uint64_t payloadBytes = 0;
    for (const auto &l : layers) {
        headerBytes += l.header.size() + 3 * 8 + l.tail.size();
        payloadBytes += l.codes.size() + l.bias.size();
    }
    Bytes out;
    out.data().append(kMagic, 8);
    out.put<uint32_t>(kPackedVersion);
    out.put<uint32_t>(static_cast<uint32_t>(layers.size()));
    out.put<uint64_t>(headerBytes);
    out.put<uint64_t>(payloadBytes);
    uint64_t at = headerBytes;
    for (const auto &l : layers) {
        out.data() += l.header;
        out.put<uint64_t>(at);
        out.put<uint64_t>(l.codes.size());
        out.put<uint64_t>(l.bias.size() / 4);
        out.data() += l.tail;
        at += l.codes.size() + l.bias.size();
    }
    for (const auto &l : layers)
        out.data() += l.codes + l.bias;
    return std::move(out.data());
}

torch::Tensor PackedLayer::weight() const
{
    if (encoding == 0)
        return floatWeight;
    const int64_t C = scales.size(0);
    std::vector<int64_t> view(shape.size(), 1);
    view[0] = C;
    switch (encoding) {
    case 1: return codes.to(torch::kFloat) * (C > 1 ? scales.select(1, 0).view(view) : scales[0][0]);
    case 2: {
        const int64_t K = codes.size(1);
        auto w = torch::zeros({C, K}, torch::kDouble);
        int64_t row = 0;
        for (int64_t c = 0; c < C; ++c)
            for (int i = 0; i < points[static_cast<size_t>(c)]; ++i, ++row)
                w[c] += codes[row].to(torch::kDouble) * scales[c][i].item<double>();
        return w.to(torch::kFloat).view(shape);
    }
    case 3:
        return torch::sign(codes).to(torch::kFloat) * magnitudes.index({codes.abs()}) *
               (C > 1 ? scales.select(1, 0).view(view) : scales[0][0]);
    default: return {};
    }
}

PackedModel readPacked(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("Packed weights '" + path.string() + "' cannot be read.", "Check the path.");
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Reader r(data, path.string());
    if (data.size() < 8 || std::memcmp(data.data(), kMagic, 8) != 0)
        throw Error("'" + path.string() + "' is not a QuantLens packed weights file (wrong magic).",
                    "Give a file written by quantlens-cli export --format packed.");
    for (int i = 0; i < 8; ++i)
        r.get<char>();
    PackedModel m;
    m.version = r.get<uint32_t>();
    if (m.version != kPackedVersion)
        throw Error("Packed weights '" + path.string() + "' have version " + std::to_string(m.version) +
                        "; this QuantLens reads version " + std::to_string(kPackedVersion) + ".",
                    "Export the model again with this QuantLens.");
    const auto count = r.get<uint32_t>();
    m.headerBytes = r.get<uint64_t>();
    m.payloadBytes = r.get<uint64_t>();
    if (m.headerBytes + m.payloadBytes != data.size())
        r.fail("the header and payload sizes (" + std::to_string(m.headerBytes) + " + " +
               std::to_string(m.payloadBytes) + ") do not add up to the file size " + std::to_string(data.size()));
    for (uint32_t i = 0; i < count; ++i) {
        PackedLayer l;
        l.name = r.str();
        l.kind = r.get<uint8_t>() == 1 ? models::LayerKind::Linear : models::LayerKind::Conv2d;
        l.encoding = r.get<uint8_t>();
        l.codeBits = r.get<uint8_t>();
        const auto flags = r.get<uint8_t>();
        l.perChannel = flags & 1;
        const auto rank = r.get<uint8_t>();
        int64_t numel = 1;
        for (int d = 0; d < rank; ++d) {
            l.shape.push_back(r.get<int64_t>());
            if (l.shape.back() <= 0 || l.shape.back() > (int64_t{1} << 31))
                r.fail("a weight dimension of " + std::to_string(l.shape.back()));
            numel *= l.shape.back();
        }
        const auto codeOffset = r.get<int64_t>();
        const auto channels = static_cast<int64_t>(r.get<uint32_t>());
        const auto P = static_cast<int64_t>(r.get<uint32_t>());
        if (l.encoding > 3 || (l.encoding != 0 && (l.codeBits < 1 || l.codeBits > 32)) || rank == 0 ||
            (channels != 1 && channels != l.shape[0]))
            r.fail("layer '" + l.name + "' has an invalid description");
        const int64_t outC = l.shape[0];
        if (l.encoding == 2)
            for (int64_t c = 0; c < outC; ++c)
                l.points.push_back(r.get<uint8_t>());
        if (l.encoding != 0)
            l.scales = r.floats(channels * P).view({channels, P});
        if (l.encoding == 3)
            l.magnitudes = r.floats(r.get<uint32_t>());
        if (flags & 2) {
            l.bnScale = r.floats(outC);
            l.bnShift = r.floats(outC);
        }
        const auto payloadAt = r.get<uint64_t>();
        const auto codeBytes = r.get<uint64_t>();
        const auto biasCount = r.get<uint64_t>();
        if (payloadAt < m.headerBytes || payloadAt + codeBytes + biasCount * 4 > data.size())
            r.fail("layer '" + l.name + "' points outside the payload");
        const char *payload = data.data() + payloadAt;
        int64_t codeCount = numel;
        if (l.encoding == 2) {
            codeCount = 0;
            for (int n : l.points)
                codeCount += n * (numel / outC);
        }
        if (l.encoding == 0) {
            if (codeBytes != static_cast<uint64_t>(numel) * 4)
                r.fail("layer '" + l.name + "' has " + std::to_string(codeBytes) + " weight bytes");
            l.floatWeight = torch::empty(l.shape, torch::kFloat);
            std::memcpy(l.floatWeight.data_ptr(), payload, codeBytes);
        } else {
            if (codeBytes != static_cast<uint64_t>((codeCount * l.codeBits + 7) / 8))
                r.fail("layer '" + l.name + "' has " + std::to_string(codeBytes) + " code bytes for " +
                       std::to_string(codeCount) + " codes of " + std::to_string(l.codeBits) + " bits");
            l.codes = unpackCodes(payload, codeCount, codeOffset, l.codeBits);
            l.codes = l.encoding == 2 ? l.codes.view({-1, numel / outC}) : l.codes.view(l.shape);
        }
        if (biasCount > 0) {
            l.bias = torch::empty({static_cast<int64_t>(biasCount)}, torch::kFloat);
            std::memcpy(l.bias.data_ptr(), payload + codeBytes, biasCount * 4);
        }
        l.actEncoding = r.get<uint8_t>();
        l.actBits = r.get<uint8_t>();
        l.actSigned = r.get<uint8_t>() != 0;
        l.actHasOffset = r.get<uint8_t>() != 0;
        l.actLo = r.get<int64_t>();
        l.actHi = r.get<int64_t>();
        l.actStep = r.get<float>();
        l.actOffset = r.get<float>();
        if (l.actEncoding == 2) {
            const int64_t in = r.get<uint32_t>();
            const int64_t hidden = r.get<uint32_t>();
            if (hidden > 0) {
                l.asqHiddenWeight = r.floats(hidden * in).view({hidden, in});
                l.asqHiddenBias = r.floats(hidden);
            }
            const int64_t width = hidden > 0 ? hidden : in;
            l.asqOutWeight = r.floats(width).view({1, width});
            l.asqOutBias = r.floats(1);
        } else if (l.actEncoding == 3) {
            l.actMagnitudes = r.floats(r.get<uint32_t>());
        }
        const auto lutEntries = r.get<uint32_t>();
        l.postFracBits = r.get<uint8_t>();
        for (uint32_t e = 0; e < lutEntries; ++e)
            l.postLut.push_back(r.get<int32_t>());
        m.layers.push_back(std::move(l));
    }
    if (r.pos() != m.headerBytes)
        r.fail("the header ends at byte " + std::to_string(r.pos()) + ", not at " + std::to_string(m.headerBytes));
    return m;
}

} // namespace ql::core::exporting
