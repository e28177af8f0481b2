#include "widgets/exportdialog.h"

#include <QBrush>
#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace ql::ui {

namespace {

QString percent(double v) { return QString::number(100 * v, 'f', 3); }

QTableWidgetItem *cell(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}

QColor deployColor(types::Deployability d)
{
    switch (d) {
    case types::Deployability::Integer: return QColor(0xd9, 0xf2, 0xd9);
    case types::Deployability::FloatEmulation: return QColor(0xff, 0xe5, 0xc2);
    case types::Deployability::Fp32: return QColor(0xee, 0xee, 0xee);
    }
    return {};
}

QString deployText(types::Deployability d)
{
    switch (d) {
    case types::Deployability::Integer: return ExportDialog::tr("integer-deployable");
    case types::Deployability::FloatEmulation: return ExportDialog::tr("float emulation");
    case types::Deployability::Fp32: return ExportDialog::tr("FP32");
    }
    return {};
}

QString suffixFor(types::ExportFormat f)
{
    switch (f) {
    case types::ExportFormat::Onnx: return QStringLiteral(".onnx");
    case types::ExportFormat::TorchScript: return QStringLiteral(".pt");
    case types::ExportFormat::Encodings: return QStringLiteral(".encodings");
    case types::ExportFormat::Packed: return QStringLiteral(".qlpack");
    case types::ExportFormat::Report: return QStringLiteral(".csv");
    }
    return {};
}

} // namespace

ExportDialog::ExportDialog(QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("dialog.export"));
    setWindowTitle(tr("Export quantized model"));
    m_format = new QComboBox(this);
    m_format->addItem(tr("ONNX with QuantizeLinear/DequantizeLinear"), int(types::ExportFormat::Onnx));
    m_format->addItem(tr("TorchScript (plain PyTorch)"), int(types::ExportFormat::TorchScript));
    m_format->addItem(tr("AIMET encodings (JSON)"), int(types::ExportFormat::Encodings));
    m_format->addItem(tr("Packed integer weights"), int(types::ExportFormat::Packed));
    m_format->addItem(tr("Report (CSV and JSON)"), int(types::ExportFormat::Report));
    m_opset = new QComboBox(this);
    m_opset->addItem(tr("13 (8-bit QDQ, Clip below 8 bits)"), 13);
    m_opset->addItem(tr("21 (native int4/uint4)"), 21);
    m_offset = new QComboBox(this);
    m_offset->addItem(tr("exact (Sub/Add around the QDQ pair)"), int(types::OffsetMode::Exact));
    m_offset->addItem(tr("rounded into the zero point"), int(types::OffsetMode::ZeroPoint));
    m_verify = new QCheckBox(tr("Run it in its real consumer and compare per layer"), this);
    m_images = new QSpinBox(this);
    m_images->setRange(1, 1000000);
    m_images->setValue(1000);
    m_images->setSuffix(tr(" test images"));
    m_path = new QLineEdit(this);
    m_path->setPlaceholderText(tr("File to write"));
    auto *browseButton = new QPushButton(tr("Browse…"), this);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browseButton);

    auto *form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("ONNX opset:"), m_opset);
    form->addRow(tr("Learned offsets:"), m_offset);
    form->addRow(tr("Verify:"), m_verify);
    form->addRow(tr("Images:"), m_images);
    form->addRow(tr("File:"), pathRow);

    m_preview = new QTableWidget(0, 4, this);
    m_preview->setObjectName(QStringLiteral("export.preview"));
    m_preview->setHorizontalHeaderLabels({tr("Layer"), tr("Deployment"), tr("Weight"), tr("Activation")});
    m_preview->horizontalHeader()->setStretchLastSection(true);
    m_preview->verticalHeader()->setVisible(false);
    m_agreement = new QTableWidget(0, 8, this);
    m_agreement->setObjectName(QStringLiteral("export.agreement"));
    m_agreement->setHorizontalHeaderLabels({tr("Runtime"), tr("Layer"), tr("Bits"), tr("Exact %"), tr("±1 LSB %"),
                                            tr("> 1 LSB %"), tr("Max LSB"), tr("Codes")});
    m_agreement->horizontalHeader()->setStretchLastSection(true);
    m_agreement->verticalHeader()->setVisible(false);
    m_agreement->setVisible(false);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_export = buttons->addButton(tr("Export"), QDialogButtonBox::ActionRole);
    m_export->setObjectName(QStringLiteral("export.button"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("How each layer is exported:"), this));
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_agreement, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(820, 560);

    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_export, &QPushButton::clicked, this, [this] {
        if (!m_path->text().isEmpty() && m_previewOk && !m_busy)
            Q_EMIT exportRequested();
    });
    for (QComboBox *box : {m_format, m_opset, m_offset})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            m_previewOk = false;
            updateControls();
            Q_EMIT optionsChanged();
        });
    connect(m_path, &QLineEdit::textChanged, this, &ExportDialog::updateControls);
    connect(m_verify, &QCheckBox::toggled, this, &ExportDialog::updateControls);
    updateControls();
}

types::ExportOptions ExportDialog::options() const
{
    types::ExportOptions o;
    o.format = types::ExportFormat(m_format->currentData().toInt());
    o.opset = m_opset->currentData().toInt();
    o.offset = types::OffsetMode(m_offset->currentData().toInt());
    o.verify = m_verify->isChecked();
    o.images = m_images->value();
    o.path = m_path->text().toStdString();
    return o;
}

void ExportDialog::setPath(const QString &path) { m_path->setText(path); }

void ExportDialog::setFormat(types::ExportFormat format) { m_format->setCurrentIndex(m_format->findData(int(format))); }

void ExportDialog::setVerify(bool verify) { m_verify->setChecked(verify); }

void ExportDialog::setImages(int images) { m_images->setValue(images); }

QString ExportDialog::statusText() const { return m_status->text(); }

void ExportDialog::browse()
{
    const auto f = options().format;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export quantized model"), QStringLiteral("model") + suffixFor(f));
    if (!path.isEmpty())
        m_path->setText(path);
}

void ExportDialog::updateControls()
{
    const auto f = options().format;
    const bool onnxLike = f == types::ExportFormat::Onnx || f == types::ExportFormat::Encodings;
    m_opset->setEnabled(onnxLike && !m_busy);
    m_offset->setEnabled(onnxLike && !m_busy);
    m_verify->setEnabled(f != types::ExportFormat::Report && !m_busy);
    m_images->setEnabled((m_verify->isChecked() || f == types::ExportFormat::Report) && !m_busy);
    m_format->setEnabled(!m_busy);
    m_export->setEnabled(m_previewOk && !m_busy && !m_path->text().isEmpty());
}

void ExportDialog::setPreview(const std::vector<types::LayerDeployment> &layers)
{
    m_preview->setRowCount(int(layers.size()));
    int integer = 0, emulated = 0;
    for (int r = 0; r < int(layers.size()); ++r) {
        const auto &l = layers[size_t(r)];
        integer += l.deployability == types::Deployability::Integer;
        emulated += l.deployability == types::Deployability::FloatEmulation;
        QString activation = QString::fromStdString(l.activation);
        if (l.offsetDrift > 0)
            activation += tr(" (offset drift %1)").arg(l.offsetDrift, 0, 'g', 3);
        const QStringList texts{QString::fromStdString(l.layer), deployText(l.deployability),
                                QString::fromStdString(l.weight), activation};
        for (int c = 0; c < texts.size(); ++c) {
            auto *item = cell(texts[c]);
            if (c == 1)
                item->setBackground(deployColor(l.deployability));
            m_preview->setItem(r, c, item);
        }
    }
    m_preview->resizeColumnsToContents();
    m_previewOk = true;
    m_status->setText(tr("%1 layer(s) integer-deployable, %2 float emulation, %3 FP32.")
                          .arg(integer)
                          .arg(emulated)
                          .arg(int(layers.size()) - integer - emulated));
    updateControls();
}

void ExportDialog::setPreviewError(const QString &message)
{
    m_preview->setRowCount(0);
    m_previewOk = false;
    m_status->setText(message);
    updateControls();
}

void ExportDialog::setFailure(const QString &message)
{
    m_status->setText(tr("Export failed: %1").arg(message));
    setBusy(false);
}

void ExportDialog::setBusy(bool busy)
{
    m_busy = busy;
    if (busy)
        m_status->setText(tr("Exporting…"));
    updateControls();
}

void ExportDialog::setResult(const types::ExportResult &result)
{
    setBusy(false);
    struct Row {
        const types::RuntimeCheck *check;
        const types::TensorAgreement *tensor;
    };
    std::vector<Row> rows;
    for (const auto &c : result.checks)
        for (const auto &t : c.tensors)
            rows.push_back({&c, &t});
    // Worst layer first: least exact share, then largest difference.
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        if (a.tensor->exact != b.tensor->exact)
            return a.tensor->exact < b.tensor->exact;
        return a.tensor->maxDiff > b.tensor->maxDiff;
    });
    m_agreement->setRowCount(int(rows.size()));
    for (int r = 0; r < int(rows.size()); ++r) {
        const auto &t = *rows[size_t(r)].tensor;
        const QStringList texts{QString::fromStdString(rows[size_t(r)].check->runtime),
                                QString::fromStdString(t.layer),
                                QString::number(t.bits),
                                percent(t.exact),
                                percent(t.offByOne),
                                percent(t.offMore),
                                QString::number(t.maxDiff),
                                QString::number(t.count)};
        for (int c = 0; c < texts.size(); ++c) {
            auto *item = cell(texts[c]);
            if (c == 3 && t.exact < 0.999)
                item->setBackground(QColor(0xff, 0xd6, 0xd6));
            m_agreement->setItem(r, c, item);
        }
    }
    m_agreement->resizeColumnsToContents();
    m_agreement->setVisible(!rows.empty());
    QStringList lines;
    lines << QString::fromStdString(result.summary);
    for (const auto &c : result.checks)
        lines << QStringLiteral("%1: %2").arg(QString::fromStdString(c.runtime), QString::fromStdString(c.verdict));
    for (const auto &n : result.notes)
        lines << QString::fromStdString(n);
    m_status->setText(lines.join(QLatin1Char('\n')));
}

} // namespace ql::ui
