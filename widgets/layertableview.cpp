#include "widgets/layertableview.h"

#include "widgets/layerdelegates.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace ql::ui {

namespace {

QString bytesText(qint64 bytes)
{
    // Binary units, with the exact byte count beside them.
    const double b = double(bytes);
    if (b >= 1024.0 * 1024.0)
        return QString::number(b / (1024.0 * 1024.0), 'f', 2) + QStringLiteral(" MiB");
    if (b >= 1024.0)
        return QString::number(b / 1024.0, 'f', 1) + QStringLiteral(" KiB");
    return QString::number(bytes) + QStringLiteral(" B");
}

QString bopsText(double bops)
{
    if (bops >= 1e12)
        return QString::number(bops / 1e12, 'f', 2) + QStringLiteral(" T");
    if (bops >= 1e9)
        return QString::number(bops / 1e9, 'f', 2) + QStringLiteral(" G");
    if (bops >= 1e6)
        return QString::number(bops / 1e6, 'f', 2) + QStringLiteral(" M");
    return QString::number(bops, 'f', 0) + QStringLiteral(" ");
}

} // namespace

LayerTableView::LayerTableView(QWidget *parent)
    : InspectorView(parent), m_model(new LayerTableModel(this)), m_table(new QTableView(this)),
      m_bitsBox(new BitsSpinBox(this)), m_targetBox(new QComboBox(this)),
      m_setBits(new QAction(tr("Set bits for selection"), this)), m_summary(new QLabel(this))
{
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::SelectedClicked);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    auto *bits = new BitsDelegate(this);
    auto *weightMethods = new MethodDelegate(types::Role::Weight, this);
    auto *actMethods = new MethodDelegate(types::Role::Activation, this);
    m_table->setItemDelegateForColumn(LayerTableModel::WeightBits, bits);
    m_table->setItemDelegateForColumn(LayerTableModel::ActBits, bits);
    m_table->setItemDelegateForColumn(LayerTableModel::WeightMethod, weightMethods);
    m_table->setItemDelegateForColumn(LayerTableModel::ActMethod, actMethods);

    m_targetBox->addItem(tr("weights and activations"), int(LayerTableModel::BitsTarget::Both));
    m_targetBox->addItem(tr("weights"), int(LayerTableModel::BitsTarget::Weights));
    m_targetBox->addItem(tr("activations"), int(LayerTableModel::BitsTarget::Activations));
    m_setBits->setToolTip(tr("Give every selected layer this bit-width"));
    m_setBits->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_setBits->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_setBits);
    auto *button = new QToolButton(this);
    button->setDefaultAction(m_setBits);

    auto *controlBar = new QWidget(this);
    auto *bar = new QHBoxLayout(controlBar);
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(tr("Bits:"), this));
    bar->addWidget(m_bitsBox);
    bar->addWidget(new QLabel(tr("for"), this));
    bar->addWidget(m_targetBox);
    bar->addWidget(button);
    bar->addStretch(1);

    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(controlBar);
    setControls(controlBar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_summary);

    connect(m_setBits, &QAction::triggered, this, [this] {
        setBitsForSelection(m_bitsBox->value(), LayerTableModel::BitsTarget(m_targetBox->currentData().toInt()));
    });
    connect(m_model, &LayerTableModel::configEdited, this, &LayerTableView::configEdited);
    connect(m_model, &LayerTableModel::summaryChanged, this, &LayerTableView::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { m_table->resizeColumnsToContents(); });
    // Statistics arrive after the layers, and grow (a step of 0.0151 after "—"): widen their
    // columns to what they hold, never narrower than the user made them.
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &tl, const QModelIndex &br) {
        for (int c = std::max(tl.column(), int(LayerTableModel::WeightStep)); c <= br.column(); ++c) {
            const int want = std::max(static_cast<QAbstractItemView *>(m_table)->sizeHintForColumn(c),
                                      m_table->horizontalHeader()->sectionSizeHint(c));
            if (m_table->columnWidth(c) < want)
                m_table->setColumnWidth(c, want);
        }
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    Q_EMIT layerSelected(current.row(), QString::fromStdString(m_model->layer(current.row()).name));
            });
    updateSummary();
}

QString LayerTableView::viewTitle() const { return tr("Layers"); }

QList<int> LayerTableView::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        rows << i.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

void LayerTableView::setBitsForSelection(int bits, LayerTableModel::BitsTarget target)
{
    m_model->setBitsForRows(selectedRows(), bits, target);
}

QString LayerTableView::summaryText() const { return m_summary->text(); }

void LayerTableView::updateSummary()
{
    if (m_model->layerCount() == 0) {
        m_summary->setText(tr("No model loaded: open a model to list its quantizable layers."));
        return;
    }
    const qint64 bytes = m_model->modelBytes();
    const qint64 fp = m_model->fp32Bytes();
    const double ratio = bytes > 0 ? double(fp) / double(bytes) : 0;
    m_summary->setText(tr("%1 layers · weights %2 (%3 bytes, %4× smaller than FP32) · %5BOPs")
                           .arg(m_model->layerCount())
                           .arg(bytesText(bytes), QLocale().toString(bytes), QString::number(ratio, 'f', 2),
                                bopsText(m_model->bops())));
}

void LayerTableView::beginExport()
{
    // A copy of the table on the same model, sized to show every row and column, without the
    // controls: the docked table may be scrolled or cut, and stays exactly as the user left it.
    delete m_exportCopy;
    m_exportCopy = new QWidget;
    m_exportCopy->setAttribute(Qt::WA_DontShowOnScreen);
    auto *table = new QTableView(m_exportCopy);
    table->setModel(m_model);
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table->setFont(m_table->font());
    for (int c = 0; c < m_model->columnCount(); ++c)
        table->setColumnWidth(c, m_table->columnWidth(c));
    table->resizeRowsToContents();
    auto *summary = new QLabel(m_summary->text(), m_exportCopy);
    const int width =
        table->verticalHeader()->sizeHint().width() + table->horizontalHeader()->length() + 2 * table->frameWidth() + 2;
    const int height = table->horizontalHeader()->sizeHint().height() + table->verticalHeader()->length() +
                       2 * table->frameWidth() + 2;
    table->setGeometry(0, 0, width, height);
    summary->setGeometry(4, height + 4, std::max(width, summary->sizeHint().width()), summary->sizeHint().height());
    m_exportCopy->resize(std::max(width, summary->sizeHint().width() + 8), height + summary->sizeHint().height() + 10);
}

void LayerTableView::endExport()
{
    delete m_exportCopy;
    m_exportCopy = nullptr;
}

QWidget *LayerTableView::exportTarget() { return m_exportCopy ? m_exportCopy : this; }

QString LayerTableView::toCsv() const
{
    QString out = csv::row({QStringLiteral("layer"),
                            QStringLiteral("type"),
                            QStringLiteral("shape"),
                            QStringLiteral("parameters"),
                            QStringLiteral("macs"),
                            QStringLiteral("weight_bits"),
                            QStringLiteral("act_bits"),
                            QStringLiteral("weight_method"),
                            QStringLiteral("act_method"),
                            QStringLiteral("per_channel"),
                            QStringLiteral("weight_step"),
                            QStringLiteral("act_step"),
                            QStringLiteral("act_offset"),
                            QStringLiteral("weight_sqnr_db"),
                            QStringLiteral("act_sqnr_db"),
                            QStringLiteral("weight_codes_used"),
                            QStringLiteral("act_codes_used"),
                            QStringLiteral("codes_total_weight"),
                            QStringLiteral("codes_total_act"),
                            QStringLiteral("sensitivity_rank"),
                            QStringLiteral("sensitivity_weight_drop_points"),
                            QStringLiteral("sensitivity_act_drop_points"),
                            QStringLiteral("sensitivity_kl")});
    for (int r = 0; r < m_model->layerCount(); ++r) {
        const auto &l = m_model->layer(r);
        const auto &c = m_model->config(r);
        const auto s = m_model->snapshot(r);
        QStringList dims;
        for (int64_t d : l.weightShape)
            dims << QString::number(d);
        auto stat = [&](bool valid, double v) { return valid ? csv::num(v) : QString(); };
        auto cell = [&](int column) {
            const QString t = m_model->data(m_model->index(r, column)).toString();
            return t == QStringLiteral("—") ? QString() : t;
        };
        out += csv::row({QString::fromStdString(l.name),
                         QString::fromStdString(l.type),
                         dims.join(QLatin1Char('x')),
                         QString::number(l.parameters),
                         QString::number(l.macs),
                         QString::number(types::effectiveBits(c, types::Role::Weight)),
                         QString::number(types::effectiveBits(c, types::Role::Activation)),
                         QString::fromStdString(types::methodName(c.weight.method)),
                         QString::fromStdString(types::methodName(c.act.method)),
                         c.weight.perChannel ? QStringLiteral("1") : QStringLiteral("0"),
                         stat(s && s->weight.valid, s ? s->weight.step : 0),
                         stat(s && s->activation.valid, s ? s->activation.step : 0),
                         stat(s && s->activation.valid, s ? s->activation.offset : 0),
                         stat(s && s->weight.valid, s ? s->weight.sqnrDb : 0),
                         stat(s && s->activation.valid, s ? s->activation.sqnrDb : 0),
                         stat(s && s->weight.valid, s ? double(s->weight.codesUsed) : 0),
                         stat(s && s->activation.valid, s ? double(s->activation.codesUsed) : 0),
                         stat(s && s->weight.valid, s ? double(s->weight.codesTotal) : 0),
                         stat(s && s->activation.valid, s ? double(s->activation.codesTotal) : 0),
                         cell(LayerTableModel::SensitivityRank),
                         cell(LayerTableModel::SensWeightDrop),
                         cell(LayerTableModel::SensActDrop),
                         cell(LayerTableModel::SensKl)});
    }
    return out;
}

} // namespace ql::ui
