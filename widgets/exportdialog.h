#pragma once
// File > Export quantized model...: the format and its options, every layer's deployability
// before anything is written, and after a verified export the per-tensor agreement between
// QuantLens and the runtime, worst layer first. Plain values in and out; the window does the
// work through the engine bridge. GUI thread only.
#include "ql/types/export.h"

#include <QDialog>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace ql::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(QWidget *parent = nullptr);

    /// What the controls say.
    types::ExportOptions options() const;
    void setPath(const QString &path);
    void setFormat(types::ExportFormat format);
    void setVerify(bool verify);
    void setImages(int images);

    /// How each layer would be exported (from the engine, after optionsChanged()).
    void setPreview(const std::vector<types::LayerDeployment> &layers);
    /// Why the chosen format cannot be written (the engine's message); disables Export.
    void setPreviewError(const QString &message);
    /// The finished export: files, notes and, when verified, the agreement table.
    void setResult(const types::ExportResult &result);
    /// The export failed (nothing was written).
    void setFailure(const QString &message);
    /// While the engine exports, the controls are locked.
    void setBusy(bool busy);

    QTableWidget *previewTable() const { return m_preview; }
    QTableWidget *agreementTable() const { return m_agreement; }
    QPushButton *exportButton() const { return m_export; }
    QString statusText() const;

Q_SIGNALS:
    /// Format, opset or offset mode changed: ask the engine for a new preview.
    void optionsChanged();
    /// The user pressed Export.
    void exportRequested();

private:
    void browse();
    void updateControls();

    QComboBox *m_format;
    QComboBox *m_opset;
    QComboBox *m_offset;
    QCheckBox *m_verify;
    QSpinBox *m_images;
    QLineEdit *m_path;
    QTableWidget *m_preview;
    QTableWidget *m_agreement;
    QLabel *m_status;
    QPushButton *m_export;
    bool m_previewOk = false;
    bool m_busy = false;
};

} // namespace ql::ui
