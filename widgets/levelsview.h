#pragma once
#include "widgets/inspectorview.h"

#include "ql/types/jobs.h"
#include "ql/types/telemetry.h"

#include <functional>

class QComboBox;
class QSpinBox;

namespace ql::ui {

/// Uniform, POT, POST and APoT level sets of a chosen bit-width, one row each
/// on a common axis w / alpha, with a weight distribution under them, so that
/// their resolution near zero and in the tails can be compared at a glance.
/// The level sets come from the engine (setLevelProvider): the view draws the
/// values the quantizers use and computes none itself. GUI thread only.
class LevelsView : public InspectorView {
    Q_OBJECT
public:
    enum Row { Uniform, Pot, Post, Apot, RowCount };

    /// Gives the level sets of a bit-width and POT/POST variant, normalised to alpha = 1.
    using LevelProvider = std::function<types::LevelSets(int bits, types::PotVariant variant)>;

    explicit LevelsView(QWidget *parent = nullptr);
    /// Where the level sets come from; without a provider every row is empty.
    void setLevelProvider(LevelProvider provider);

    void setBits(int bits);
    int bits() const { return m_bits; }
    void setPotVariant(types::PotVariant variant);
    types::PotVariant potVariant() const { return m_variant; }
    /// Weight distribution to show under the levels, in real units, and the
    /// clipping threshold alpha that maps it onto [-1, 1].
    void setWeights(const types::Histogram &weights, double alpha, const QString &layer = {});

    /// The level set drawn in a row (normalised to alpha = 1).
    std::vector<double> rowLevels(Row row) const;

    QString viewTitle() const override;
    QString fileStem() const override { return QStringLiteral("levels"); }
    QList<QCustomPlot *> plots() const override;
    QString toCsv() const override;

private:
    void rebuild();

    LevelProvider m_provider;
    types::LevelSets m_sets;
    int m_bits = 4;
    types::PotVariant m_variant = types::PotVariant::Paper;
    types::Histogram m_weights;
    double m_alpha = 1;
    QString m_layer;
    QSpinBox *m_bitsBox;
    QComboBox *m_variantBox;
    QCustomPlot *m_plot;
};

} // namespace ql::ui
