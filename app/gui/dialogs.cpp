#include "app/gui/dialogs.h"

#include "ql/types/methods.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QDoubleValidator>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ql::app {

namespace {

QString numberOrEmpty(double v, bool set) { return set ? QString::number(v, 'g', 6) : QString(); }

double numberOr(const QLineEdit *e, double fallback)
{
    bool ok = false;
    const double v = e->text().trimmed().toDouble(&ok);
    return ok ? v : fallback;
}

QDialogButtonBox *okCancel(QDialog *dialog)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}

} // namespace

JobSettingsDialog::JobSettingsDialog(const JobSettings &s, QWidget *parent)
    : QDialog(parent), m_perChannel(new QCheckBox(tr("one step size per output channel"), this)),
      m_lsqPlus(new QComboBox(this)), m_init(new QComboBox(this)), m_firstLast(new QSpinBox(this)),
      m_budget(new QDoubleSpinBox(this)), m_calib(new QSpinBox(this)), m_lr(new QLineEdit(this)),
      m_qlr(new QLineEdit(this)), m_wd(new QLineEdit(this)), m_batch(new QSpinBox(this))
{
    setWindowTitle(tr("Job settings"));
    const auto &d = types::qatDefaults();
    m_perChannel->setChecked(s.perChannel);
    m_lsqPlus->addItem(tr("1: unsigned, no offset (= LSQ)"), 1);
    m_lsqPlus->addItem(tr("2: signed, no offset"), 2);
    m_lsqPlus->addItem(tr("3: unsigned, learned offset β"), 3);
    m_lsqPlus->addItem(tr("4: signed, learned offset β"), 4);
    m_lsqPlus->setCurrentIndex(m_lsqPlus->findData(s.lsqPlusConfig));
    m_init->addItem(tr("the method's own (LSQ+: MSE search)"), int(types::InitMode::Default));
    m_init->addItem(tr("min-max"), int(types::InitMode::MinMax));
    m_init->addItem(tr("MSE search"), int(types::InitMode::Mse));
    m_init->setCurrentIndex(m_init->findData(int(s.actInit)));
    m_firstLast->setRange(0, 16);
    m_firstLast->setSpecialValueText(tr("same as the others"));
    m_firstLast->setValue(s.firstLastBits);
    m_budget->setRange(0, 8);
    m_budget->setSingleStep(0.25);
    m_budget->setValue(s.multipointBudget);
    m_calib->setRange(16, 60000);
    m_calib->setSingleStep(128);
    m_calib->setValue(int(s.calibrationImages));
    for (QLineEdit *e : {m_lr, m_qlr, m_wd})
        e->setValidator(new QDoubleValidator(0, 10, 12, e));
    m_lr->setPlaceholderText(QString::number(d.learningRate));
    m_lr->setText(numberOrEmpty(s.learningRate, s.learningRate > 0));
    m_qlr->setPlaceholderText(tr("the weights' learning rate (as in the papers)"));
    m_qlr->setText(numberOrEmpty(s.quantLearningRate, s.quantLearningRate >= 0));
    m_wd->setPlaceholderText(QString::number(d.weightDecay));
    m_wd->setText(numberOrEmpty(s.weightDecay, s.weightDecay >= 0));
    m_batch->setRange(0, 4096);
    m_batch->setSpecialValueText(tr("default (%1)").arg(d.batchSize));
    m_batch->setValue(int(s.batchSize));

    auto *quant = new QGroupBox(tr("Quantizers (PTQ and QAT)"), this);
    auto *qf = new QFormLayout(quant);
    qf->addRow(tr("Weights"), m_perChannel);
    qf->addRow(tr("LSQ+ configuration"), m_lsqPlus);
    qf->addRow(tr("Activation init"), m_init);
    qf->addRow(tr("First and last layer bits"), m_firstLast);
    qf->addRow(tr("Multipoint budget (extra points per channel)"), m_budget);
    qf->addRow(tr("Calibration images"), m_calib);
    auto *train = new QGroupBox(tr("Quantization-aware training"), this);
    auto *tf = new QFormLayout(train);
    tf->addRow(tr("Learning rate (weights)"), m_lr);
    tf->addRow(tr("Learning rate (quantizer parameters)"), m_qlr);
    tf->addRow(tr("Weight decay (weights only)"), m_wd);
    tf->addRow(tr("Batch size"), m_batch);
    auto *note = new QLabel(tr("Step sizes, offsets, α and ASQ's adapters learn with the network's SGD, cosine "
                               "schedule and, unless you give one, its learning rate, without weight decay."),
                            this);
    note->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(quant);
    layout->addWidget(train);
    layout->addWidget(note);
    layout->addWidget(okCancel(this));
}

JobSettings JobSettingsDialog::settings() const
{
    JobSettings s;
    s.perChannel = m_perChannel->isChecked();
    s.lsqPlusConfig = m_lsqPlus->currentData().toInt();
    s.actInit = types::InitMode(m_init->currentData().toInt());
    s.firstLastBits = m_firstLast->value();
    s.multipointBudget = m_budget->value();
    s.calibrationImages = m_calib->value();
    s.learningRate = m_lr->text().trimmed().isEmpty() ? 0 : numberOr(m_lr, 0);
    s.quantLearningRate = m_qlr->text().trimmed().isEmpty() ? -1 : numberOr(m_qlr, -1);
    s.weightDecay = m_wd->text().trimmed().isEmpty() ? -1 : numberOr(m_wd, -1);
    s.batchSize = m_batch->value();
    return s;
}

ArchitectureDialog::ArchitectureDialog(const types::ModelFileInfo &info, QWidget *parent)
    : QDialog(parent), m_arch(new QComboBox(this)), m_activation(new QComboBox(this))
{
    setWindowTitle(tr("Which architecture?"));
    for (const auto &a : info.zoo) {
        QStringList shape;
        for (int64_t d : a.inputShape)
            shape << QString::number(d);
        const QString text = tr("%1 — input %2, %3 classes by default%4")
                                 .arg(QString::fromStdString(a.name), shape.join(QStringLiteral("×")))
                                 .arg(a.classes)
                                 .arg(a.matches ? tr(" (the file fits it)") : QString());
        m_arch->addItem(text, QString::fromStdString(a.name));
    }
    if (!info.suggestedArch.empty())
        m_arch->setCurrentIndex(m_arch->findData(QString::fromStdString(info.suggestedArch)));
    m_activation->addItem(tr("ReLU"), QStringLiteral("relu"));
    m_activation->addItem(tr("Swish (SiLU)"), QStringLiteral("silu"));
    auto updateActivation = [this] {
        m_activation->setEnabled(m_arch->currentData().toString() == QStringLiteral("fmnist-cnn"));
    };
    connect(m_arch, &QComboBox::currentIndexChanged, this, updateActivation);
    updateActivation();

    QString found = tr("<b>%1</b> is a %2 without a description beside it (%3.json).")
                        .arg(QFileInfo(QString::fromStdString(info.path)).fileName().toHtmlEscaped(),
                             QString::fromStdString(info.format),
                             QFileInfo(QString::fromStdString(info.path)).fileName().toHtmlEscaped());
    if (info.inChannels > 0 || info.numClasses > 0)
        found += QStringLiteral("<br>") +
                 tr("Its tensors say: %1 input channel(s), %2 classes.").arg(info.inChannels).arg(info.numClasses);
    found +=
        QStringLiteral("<br>") +
        (info.suggestedArch.empty()
             ? tr("Its parameter names and shapes fit none of the zoo's architectures exactly; pick the one it "
                  "was saved from (the mismatches will be listed).")
             : tr("Its parameter names and shapes fit <b>%1</b>.").arg(QString::fromStdString(info.suggestedArch)));
    auto *label = new QLabel(found, this);
    label->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("Architecture"), m_arch);
    form->addRow(tr("Activation (fmnist-cnn)"), m_activation);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(label);
    layout->addLayout(form);
    layout->addWidget(okCancel(this));
}

QString ArchitectureDialog::architecture() const { return m_arch->currentData().toString(); }

QString ArchitectureDialog::activation() const { return m_activation->currentData().toString(); }

} // namespace ql::app
