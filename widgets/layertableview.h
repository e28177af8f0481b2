#pragma once
#include "widgets/inspectorview.h"
#include "widgets/layertablemodel.h"

class QAction;
class QComboBox;
class QLabel;
class QTableView;

namespace ql::ui {

class BitsSpinBox;

/// The layer table: every quantizable layer with its setting (bits and methods
/// editable in place, several rows at once through "Set bits for selection")
/// and a summary of model size and BOPs that follows the edits. GUI thread only.
class LayerTableView : public InspectorView {
    Q_OBJECT
public:
    explicit LayerTableView(QWidget *parent = nullptr);

    LayerTableModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    /// The action that applies the bits box to the selected rows.
    QAction *setBitsAction() const { return m_setBits; }
    /// The bit-width the action applies, and to which tensors.
    BitsSpinBox *bitsBox() const { return m_bitsBox; }
    QComboBox *targetBox() const { return m_targetBox; }
    /// Rows currently selected, ascending.
    QList<int> selectedRows() const;
    /// Sets bits on the selected rows (what the action does).
    void setBitsForSelection(int bits, LayerTableModel::BitsTarget target);
    /// The summary line under the table.
    QString summaryText() const;

    QString viewTitle() const override;
    QString fileStem() const override { return QStringLiteral("layers"); }
    QString toCsv() const override;
    /// An image shows the whole table, every row and column unscrolled, without the controls.
    void beginExport() override;
    void endExport() override;
    QWidget *exportTarget() override;

Q_SIGNALS:
    /// Forwarded from the model: the user changed a layer's setting.
    void configEdited(int row, const ql::types::LayerQuantConfig &config);
    /// The current layer changed (name as in LayerInfo::name).
    void layerSelected(int row, const QString &name);

private:
    void updateSummary();

    LayerTableModel *m_model;
    QTableView *m_table;
    BitsSpinBox *m_bitsBox;
    QComboBox *m_targetBox;
    QAction *m_setBits;
    QLabel *m_summary;
    QWidget *m_exportCopy = nullptr; ///< the unscrolled table an export renders
};

} // namespace ql::ui
