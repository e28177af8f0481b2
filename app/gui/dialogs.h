#pragma once
// The window's dialogs: the settings of the next job, and the architecture of a model file
// that does not name its own. GUI thread only.
#include "app/gui/settings.h"
#include "ql/types/jobs.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace ql::app {

/// Edits JobSettings: quantizer details that apply to PTQ and QAT (per-channel weights, LSQ+
/// configuration, activation init, first/last-layer bits, multipoint budget, calibration
/// images) and QAT's optimiser (learning rates of the weights and of the quantizer parameters,
/// weight decay, batch size). Empty learning-rate fields mean the defaults that follow the papers.
class JobSettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit JobSettingsDialog(const JobSettings &settings, QWidget *parent = nullptr);
    JobSettings settings() const;

private:
    QCheckBox *m_perChannel;
    QComboBox *m_lsqPlus;
    QComboBox *m_init;
    QSpinBox *m_firstLast;
    QDoubleSpinBox *m_budget;
    QSpinBox *m_calib;
    QLineEdit *m_lr;
    QLineEdit *m_qlr;
    QLineEdit *m_wd;
    QSpinBox *m_batch;
};

/// Asks which zoo architecture a state dict is, prefilled with the one whose parameter names
/// and shapes it matches, and which activation (for fmnist-cnn).
class ArchitectureDialog : public QDialog {
    Q_OBJECT
public:
    explicit ArchitectureDialog(const types::ModelFileInfo &info, QWidget *parent = nullptr);
    QString architecture() const;
    QString activation() const;

private:
    QComboBox *m_arch;
    QComboBox *m_activation;
};

} // namespace ql::app
