#include "widgets/layertablemodel.h"

#include "ql/types/export.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace ql::ui {

namespace {

bool validBits(int bits) { return (bits >= 2 && bits <= 16) || bits == 32; }

// Method picked when a tensor gets fewer than 32 bits but no method yet.
constexpr types::Method kDefaultMethod = types::Method::Lsq;

QString bitsText(int bits) { return bits >= 32 ? QStringLiteral("FP32") : QString::number(bits); }

QVariant numberOrDash(bool valid, double v, int precision)
{
    if (!valid)
        return QStringLiteral("—");
    return QString::number(v, 'g', precision);
}

} // namespace

QStringList quantMethodNames(types::Role role)
{
    QStringList names;
    for (const types::Method m : types::methodsFor(role, /*withNone=*/true))
        names << QString::fromStdString(types::methodName(m));
    return names;
}

static int effectiveWeightBits(const types::LayerQuantConfig &cfg)
{
    return types::effectiveBits(cfg, types::Role::Weight);
}
static int effectiveActBits(const types::LayerQuantConfig &cfg)
{
    return types::effectiveBits(cfg, types::Role::Activation);
}

LayerTableModel::LayerTableModel(QObject *parent) : QAbstractTableModel(parent) { }

void LayerTableModel::setLayers(std::vector<types::LayerInfo> layers, std::vector<types::LayerQuantConfig> configs)
{
    beginResetModel();
    m_layers = std::move(layers);
    m_configs = std::move(configs);
    m_configs.resize(m_layers.size());
    m_snapshots.assign(m_layers.size(), nullptr);
    m_ranks.assign(m_layers.size(), 0);
    m_sensitivity.assign(m_layers.size(), {});
    endResetModel();
    Q_EMIT summaryChanged();
}

void LayerTableModel::setConfig(int row, const types::LayerQuantConfig &cfg)
{
    if (row < 0 || row >= layerCount())
        return;
    m_configs[size_t(row)] = cfg;
    Q_EMIT dataChanged(index(row, WeightBits), index(row, PerChannel));
    Q_EMIT summaryChanged();
}

int LayerTableModel::rowOfLayer(const QString &name) const
{
    const std::string n = name.toStdString();
    for (size_t i = 0; i < m_layers.size(); ++i)
        if (m_layers[i].name == n)
            return int(i);
    return -1;
}

void LayerTableModel::updateSnapshots(const std::vector<std::shared_ptr<const types::LayerSnapshot>> &snapshots)
{
    int lo = layerCount(), hi = -1;
    for (const auto &s : snapshots) {
        if (!s)
            continue;
        const int row = rowOfLayer(QString::fromStdString(s->layer));
        if (row < 0)
            continue;
        m_snapshots[size_t(row)] = s;
        lo = std::min(lo, row);
        hi = std::max(hi, row);
    }
    if (hi >= lo)
        Q_EMIT dataChanged(index(lo, WeightStep), index(hi, ActCodes), {Qt::DisplayRole, Qt::BackgroundRole});
}

void LayerTableModel::setSensitivity(const std::vector<types::SensitivityRow> &rows)
{
    std::vector<int> ranks(m_layers.size(), 0);
    m_sensitivity.assign(m_layers.size(), {});
    for (const auto &r : rows) {
        const int row = rowOfLayer(QString::fromStdString(r.layer));
        if (row < 0)
            continue;
        ranks[size_t(row)] = r.rank;
        m_sensitivity[size_t(row)] = r;
    }
    setSensitivityRanks(ranks);
    if (!m_layers.empty())
        Q_EMIT dataChanged(index(0, SensitivityRank), index(layerCount() - 1, SensKl));
}

void LayerTableModel::setSensitivityRanks(const std::vector<int> &ranks)
{
    for (size_t i = 0; i < m_ranks.size(); ++i)
        m_ranks[i] = i < ranks.size() ? ranks[i] : 0;
    if (!m_layers.empty())
        Q_EMIT dataChanged(index(0, SensitivityRank), index(layerCount() - 1, SensitivityRank));
}

bool LayerTableModel::applyBits(types::LayerQuantConfig &cfg, int bits, bool weights) const
{
    const types::Role role = weights ? types::Role::Weight : types::Role::Activation;
    types::QuantSpec &spec = weights ? cfg.weight : cfg.act;
    types::QuantSpec next = spec;
    if (bits == 32) {
        next = types::withMethod(next, types::Method::None, role);
    } else {
        if (next.method == types::Method::None)
            next = types::withMethod(next, kDefaultMethod, role);
        if (!types::bitsAllowed(next, bits, role))
            return false; // e.g. 12 bits for POT: the method defines no such grid
        next.bits = bits;
    }
    if (next == spec)
        return false;
    spec = next;
    return true;
}

void LayerTableModel::setBitsForRows(const QList<int> &rows, int bits, BitsTarget target)
{
    if (!validBits(bits))
        return;
    int lo = layerCount(), hi = -1;
    QList<int> changed;
    for (int row : rows) {
        if (row < 0 || row >= layerCount())
            continue;
        types::LayerQuantConfig &cfg = m_configs[size_t(row)];
        bool c = false;
        if (target != BitsTarget::Activations)
            c = applyBits(cfg, bits, true) || c;
        if (target != BitsTarget::Weights)
            c = applyBits(cfg, bits, false) || c;
        if (c) {
            changed << row;
            lo = std::min(lo, row);
            hi = std::max(hi, row);
        }
    }
    if (changed.isEmpty())
        return;
    Q_EMIT dataChanged(index(lo, WeightBits), index(hi, ActMethod));
    for (int row : changed)
        Q_EMIT configEdited(row, m_configs[size_t(row)]);
    Q_EMIT summaryChanged();
}

qint64 LayerTableModel::modelBytes() const
{
    // The one definition of a quantized model's size, which the packed export's payload matches.
    qint64 total = 0;
    for (size_t i = 0; i < m_layers.size(); ++i)
        total += types::layerStorageBytes(m_layers[i], m_configs[i]);
    return total;
}

qint64 LayerTableModel::fp32Bytes() const
{
    qint64 total = 0;
    for (const auto &l : m_layers)
        total += qint64(l.parameters) * 4;
    return total;
}

double LayerTableModel::bops() const
{
    double total = 0;
    for (size_t i = 0; i < m_layers.size(); ++i)
        total += double(m_layers[i].macs) * effectiveWeightBits(m_configs[i]) * effectiveActBits(m_configs[i]);
    return total;
}

int LayerTableModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : layerCount(); }

int LayerTableModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant LayerTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= layerCount())
        return {};
    const auto row = size_t(index.row());
    const types::LayerInfo &l = m_layers[row];
    const types::LayerQuantConfig &c = m_configs[row];
    const types::LayerSnapshot *s = m_snapshots[row].get();
    const int col = index.column();

    if (role == Qt::CheckStateRole && col == PerChannel)
        return c.weight.perChannel ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::CheckStateRole && col == Locked)
        return m_locked.contains(QString::fromStdString(l.name)) ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::ToolTipRole && col == Locked)
        return m_locked.contains(QString::fromStdString(l.name))
                   ? tr("Locked: mixed-precision searches keep this layer's bits")
                   : tr("Free: mixed-precision searches choose this layer's bits");
    if (role == Qt::TextAlignmentRole)
        return int((col >= Parameters && col != WeightMethod && col != ActMethod ? Qt::AlignRight : Qt::AlignLeft) |
                   Qt::AlignVCenter);
    if (role == Qt::ForegroundRole) {
        if ((col == WeightBits || col == WeightMethod) && effectiveWeightBits(c) == 32)
            return QBrush(QColor(128, 128, 128));
        if ((col == ActBits || col == ActMethod) && effectiveActBits(c) == 32)
            return QBrush(QColor(128, 128, 128));
        return {};
    }
    if (role == Qt::BackgroundRole && (col == WeightCodes || col == ActCodes) && s) {
        const types::TensorQuantStats &t = col == WeightCodes ? s->weight : s->activation;
        // A quantizer that uses under half of its codes wastes bits (LSQ's init at 8 bits, say).
        if (t.valid && t.codesTotal > 1 && 2 * t.codesUsed < t.codesTotal)
            return QBrush(QColor(250, 230, 170));
        return {};
    }
    if (role == Qt::ToolTipRole && (col == WeightCodes || col == ActCodes) && s) {
        const types::TensorQuantStats &t = col == WeightCodes ? s->weight : s->activation;
        if (t.valid && t.codesTotal > 0)
            return tr("%1 of the %2 integer codes occur (%3 %)%4")
                .arg(t.codesUsed)
                .arg(t.codesTotal)
                .arg(100.0 * double(t.codesUsed) / double(t.codesTotal), 0, 'f', 1)
                .arg(2 * t.codesUsed < t.codesTotal ? tr(": under half, the range is wider than the values need")
                                                    : QString());
        return {};
    }
    if (role == Qt::BackgroundRole && (col == WeightSqnr || col == ActSqnr) && s) {
        const types::TensorQuantStats &t = col == WeightSqnr ? s->weight : s->activation;
        if (!t.valid)
            return {};
        // Below ~10 dB the quantized tensor is mostly noise; below ~20 dB it is worth a look.
        if (t.sqnrDb < 10)
            return QBrush(QColor(240, 190, 170));
        if (t.sqnrDb < 20)
            return QBrush(QColor(250, 230, 170));
        return {};
    }
    if (role == Qt::ToolTipRole && col == Name)
        return tr("%1 (block %2)").arg(QString::fromStdString(l.name)).arg(l.block);
    if (role == Qt::EditRole) {
        switch (col) {
        case WeightBits: return effectiveWeightBits(c);
        case ActBits: return effectiveActBits(c);
        case WeightMethod: return QString::fromStdString(types::methodName(c.weight.method));
        case ActMethod: return QString::fromStdString(types::methodName(c.act.method));
        default: break;
        }
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};

    switch (col) {
    case Name: return QString::fromStdString(l.name);
    case Type: return QString::fromStdString(l.type);
    case Shape: {
        QStringList dims;
        for (int64_t d : l.weightShape)
            dims << QString::number(d);
        return dims.join(QStringLiteral("×"));
    }
    case Parameters: return QLocale().toString(qint64(l.parameters));
    case Macs: return QLocale().toString(qint64(l.macs));
    case WeightBits: return bitsText(effectiveWeightBits(c));
    case ActBits: return bitsText(effectiveActBits(c));
    case WeightMethod: return QString::fromStdString(types::methodName(c.weight.method));
    case ActMethod: return QString::fromStdString(types::methodName(c.act.method));
    case PerChannel:
    case Locked: return {};
    case WeightStep: return numberOrDash(s && s->weight.valid, s ? s->weight.step : 0, 4);
    case ActStep: return numberOrDash(s && s->activation.valid, s ? s->activation.step : 0, 4);
    case ActOffset: return numberOrDash(s && s->activation.valid, s ? s->activation.offset : 0, 4);
    case WeightSqnr: return numberOrDash(s && s->weight.valid, s ? s->weight.sqnrDb : 0, 3);
    case ActSqnr: return numberOrDash(s && s->activation.valid, s ? s->activation.sqnrDb : 0, 3);
    case WeightCodes:
    case ActCodes: {
        const types::TensorQuantStats *t = s ? (col == WeightCodes ? &s->weight : &s->activation) : nullptr;
        if (!t || !t->valid || t->codesTotal <= 0)
            return QStringLiteral("—");
        return QStringLiteral("%1/%2").arg(t->codesUsed).arg(t->codesTotal);
    }
    case SensitivityRank: return m_ranks[row] > 0 ? QVariant(m_ranks[row]) : QVariant(QStringLiteral("—"));
    case SensWeightDrop:
    case SensActDrop:
    case SensKl: {
        const auto &r = m_sensitivity[row];
        if (r.layer.empty())
            return QStringLiteral("—");
        if (col == SensKl)
            return QString::number(r.kl, 'g', 3);
        const double drop = col == SensWeightDrop ? r.weightTop1Drop : r.actTop1Drop;
        return QString::number(100.0 * drop, 'f', 2);
    }
    default: return {};
    }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical)
        return role == Qt::DisplayRole ? QVariant(section) : QVariant();
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Name: return tr("Layer");
        case Type: return tr("Type");
        case Shape: return tr("Weight shape");
        case Parameters: return tr("Params");
        case Macs: return tr("MACs");
        case WeightBits: return tr("W bits");
        case ActBits: return tr("A bits");
        case Locked: return tr("Lock");
        case WeightMethod: return tr("W method");
        case ActMethod: return tr("A method");
        case PerChannel: return tr("Per-ch.");
        case WeightStep: return tr("W step");
        case ActStep: return tr("A step");
        case ActOffset: return tr("A offset β");
        case WeightSqnr: return tr("W SQNR (dB)");
        case ActSqnr: return tr("A SQNR (dB)");
        case WeightCodes: return tr("W codes used");
        case ActCodes: return tr("A codes used");
        case SensitivityRank: return tr("Sens. rank");
        case SensWeightDrop: return tr("Δ top-1 W (pts)");
        case SensActDrop: return tr("Δ top-1 A (pts)");
        case SensKl: return tr("KL");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Macs: return tr("Multiply-accumulates per input sample");
        case WeightBits: return tr("Weight bit-width (2–16, or FP32); double-click to edit");
        case ActBits: return tr("Input activation bit-width (2–16, or FP32); double-click to edit");
        case Locked: return tr("Locked layers keep their bits when the Mixed precision view searches");
        case WeightMethod: return tr("Weight quantizer; double-click to edit");
        case ActMethod: return tr("Activation quantizer; double-click to edit");
        case PerChannel: return tr("One weight step size per output channel");
        case WeightStep: return tr("Current weight step size s (mean over channels)");
        case ActStep: return tr("Current activation step size s");
        case ActOffset: return tr("Learned activation offset β (LSQ+), 0 if none");
        case WeightSqnr: return tr("Signal-to-quantization-noise ratio of the weights");
        case ActSqnr: return tr("Signal-to-quantization-noise ratio of the input activations");
        case WeightCodes: return tr("Integer codes of the weight quantizer that occur, of all it has");
        case ActCodes: return tr("Integer codes of the input quantizer that occur on the probe images, of all it has");
        case SensitivityRank:
            return tr("1 = the layer whose quantization (weights and activations, alone in the model) hurts "
                      "accuracy most");
        case SensWeightDrop:
            return tr("Top-1 accuracy lost, in percentage points, when only this layer's weights are quantized");
        case SensActDrop:
            return tr("Top-1 accuracy lost, in percentage points, when only this layer's input is quantized");
        case SensKl: return tr("KL divergence of the output distribution from FP32 with this layer quantized alone");
        default: return {};
        }
    }
    return {};
}

Qt::ItemFlags LayerTableModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (!index.isValid())
        return f;
    switch (index.column()) {
    case WeightBits:
    case ActBits:
    case WeightMethod:
    case ActMethod: return f | Qt::ItemIsEditable;
    case PerChannel:
    case Locked: return f | Qt::ItemIsUserCheckable;
    default: return f;
    }
}

bool LayerTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.row() >= layerCount())
        return false;
    const int row = index.row();
    types::LayerQuantConfig cfg = m_configs[size_t(row)];
    const int col = index.column();
    if (col == Locked && role == Qt::CheckStateRole) {
        setLocked(QString::fromStdString(m_layers[size_t(row)].name), value.toInt() == Qt::Checked);
        return true;
    }
    if (col == PerChannel && role == Qt::CheckStateRole) {
        if (cfg.weight.method == types::Method::None)
            return false;
        cfg.weight.perChannel = value.toInt() == Qt::Checked;
        cfg.weight.gradScale = cfg.weight.perChannel ? types::GradScale::PerChannel : types::GradScale::PerTensor;
    } else if (role != Qt::EditRole) {
        return false;
    } else if (col == WeightBits || col == ActBits) {
        int bits = 0;
        if (value.toString().compare(QStringLiteral("FP32"), Qt::CaseInsensitive) == 0) {
            bits = 32;
        } else {
            bool ok = false;
            bits = value.toInt(&ok);
            if (!ok)
                return false;
        }
        if (!validBits(bits))
            return false;
        if (!applyBits(cfg, bits, col == WeightBits) && cfg == m_configs[size_t(row)])
            return types::effectiveBits(cfg, col == WeightBits ? types::Role::Weight : types::Role::Activation) == bits;
    } else if (col == WeightMethod || col == ActMethod) {
        const types::Role r = col == WeightMethod ? types::Role::Weight : types::Role::Activation;
        const QString m = value.toString().trimmed().toLower();
        if (!quantMethodNames(r).contains(m))
            return false; // e.g. PACT for weights: the registry says it quantizes activations only
        types::QuantSpec &spec = r == types::Role::Weight ? cfg.weight : cfg.act;
        spec = types::withMethod(spec, types::methodFromName(m.toStdString()), r);
    } else {
        return false;
    }

    types::LayerQuantConfig &cur = m_configs[size_t(row)];
    if (cur == cfg)
        return true;
    cur = cfg;
    Q_EMIT dataChanged(this->index(row, WeightBits), this->index(row, PerChannel));
    Q_EMIT configEdited(row, cur);
    Q_EMIT summaryChanged();
    return true;
}

QStringList LayerTableModel::lockedLayers() const
{
    QStringList out;
    for (const auto &l : m_layers)
        if (m_locked.contains(QString::fromStdString(l.name)))
            out << QString::fromStdString(l.name);
    return out;
}

void LayerTableModel::setLocked(const QString &layer, bool locked)
{
    if (m_locked.contains(layer) == locked)
        return;
    if (locked)
        m_locked.insert(layer);
    else
        m_locked.remove(layer);
    if (const int row = rowOfLayer(layer); row >= 0)
        Q_EMIT dataChanged(index(row, Locked), index(row, Locked));
    Q_EMIT locksChanged();
}

} // namespace ql::ui
