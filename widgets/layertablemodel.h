#pragma once
#include <QAbstractTableModel>
#include <QSet>
#include <QStringList>

#include "ql/types/jobs.h"
#include "ql/types/methods.h"
#include "ql/types/quant.h"
#include "ql/types/telemetry.h"

#include <memory>
#include <vector>

namespace ql::ui {

/// Method names the table offers for weights or activations, from the method registry
/// ("none" first).
QStringList quantMethodNames(types::Role role);

/// Every quantizable layer in execution order with its shape, cost, its
/// quantization setting (editable: bits, methods, per-channel) and the newest
/// statistics. Bits and methods are kept consistent through the method
/// registry: bits 32 means method "none"; choosing bits below 32 for an
/// unquantized tensor selects "lsq"; choosing "none" shows FP32; bits a method
/// does not define are refused. GUI thread only.
class LayerTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Name,
        Type,
        Shape,
        Parameters,
        Macs,
        WeightBits,
        ActBits,
        Locked,
        WeightMethod,
        ActMethod,
        PerChannel,
        WeightStep,
        ActStep,
        ActOffset,
        WeightSqnr,
        ActSqnr,
        WeightCodes,
        ActCodes,
        SensitivityRank,
        SensWeightDrop,
        SensActDrop,
        SensKl,
        ColumnCount
    };
    /// Targets of setBitsForRows().
    enum class BitsTarget { Weights, Activations, Both };

    explicit LayerTableModel(QObject *parent = nullptr);

    /// Replaces the layers; configs default to FP32 where missing.
    void setLayers(std::vector<types::LayerInfo> layers, std::vector<types::LayerQuantConfig> configs = {});
    /// Replaces one layer's setting without emitting configEdited (engine-side change).
    void setConfig(int row, const types::LayerQuantConfig &cfg);
    /// Merges the newest statistics (matched by layer name) and emits one dataChanged
    /// spanning the rows and statistic columns that changed.
    void updateSnapshots(const std::vector<std::shared_ptr<const types::LayerSnapshot>> &snapshots);
    /// Sensitivity per layer (matched by name): rank, accuracy drop and KL.
    void setSensitivity(const std::vector<types::SensitivityRow> &rows);
    /// Sensitivity rank per row (1 = most sensitive, <= 0 unknown).
    void setSensitivityRanks(const std::vector<int> &ranks);
    /// Sets bits on many rows at once (the "set bits for selection" action);
    /// emits configEdited for each changed row and one dataChanged.
    void setBitsForRows(const QList<int> &rows, int bits, BitsTarget target);

    const types::LayerInfo &layer(int row) const { return m_layers.at(size_t(row)); }
    const types::LayerQuantConfig &config(int row) const { return m_configs.at(size_t(row)); }
    std::shared_ptr<const types::LayerSnapshot> snapshot(int row) const { return m_snapshots.at(size_t(row)); }
    int rowOfLayer(const QString &name) const;
    /// Layers whose bits a mixed-precision search keeps (the lock column), in row order. Locks
    /// are kept by name across setLayers().
    QStringList lockedLayers() const;
    void setLocked(const QString &layer, bool locked);
    int layerCount() const { return int(m_layers.size()); }

    /// Weights stored at their effective bits: sum over layers of ceil(parameters * bits / 8).
    qint64 modelBytes() const;
    /// The same model in FP32.
    qint64 fp32Bytes() const;
    /// Bit operations: sum over layers of MACs * weight bits * activation bits.
    double bops() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

Q_SIGNALS:
    /// The user changed a layer's setting (in place, or for a selection).
    void configEdited(int row, const ql::types::LayerQuantConfig &config);
    /// modelBytes() or bops() may have changed.
    void summaryChanged();
    /// A layer was locked or unlocked.
    void locksChanged();

private:
    bool applyBits(types::LayerQuantConfig &cfg, int bits, bool weights) const;

    std::vector<types::LayerInfo> m_layers;
    std::vector<types::LayerQuantConfig> m_configs;
    std::vector<std::shared_ptr<const types::LayerSnapshot>> m_snapshots;
    std::vector<int> m_ranks;
    QSet<QString> m_locked;
    std::vector<types::SensitivityRow> m_sensitivity; ///< per row; layer empty when unknown
};

} // namespace ql::ui

Q_DECLARE_METATYPE(ql::types::LayerQuantConfig)
