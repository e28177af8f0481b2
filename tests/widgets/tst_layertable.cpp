// The layer table: in-place edits through the model and the delegates,
// multi-row bit setting, and the size/BOP summary against hand-computed numbers.
#include "tests/support/testmain.h"
#include "widgets/layerdelegates.h"
#include "widgets/layertablemodel.h"
#include "widgets/layertableview.h"

#include <QAction>
#include <QComboBox>
#include <QItemSelectionModel>
#include <QTableView>
#include <QToolButton>
#include <QtTest>

using ql::types::LayerInfo;
using ql::types::LayerQuantConfig;
using ql::ui::LayerTableModel;

namespace {

LayerInfo layer(const char *name, int64_t params, int64_t macs)
{
    LayerInfo l;
    l.name = name;
    l.type = "Conv2d";
    l.weightShape = {params};
    l.parameters = params;
    l.macs = macs;
    return l;
}

LayerQuantConfig quant(int w, int a)
{
    LayerQuantConfig q;
    q.weight = ql::types::weightSpec(w == 32 ? ql::types::Method::None : ql::types::Method::Lsq, w, false);
    q.act.method = a == 32 ? ql::types::Method::None : ql::types::Method::Lsq;
    q.act.bits = a;
    return q;
}

int wbits(const LayerQuantConfig &c) { return ql::types::effectiveBits(c, ql::types::Role::Weight); }
int abits(const LayerQuantConfig &c) { return ql::types::effectiveBits(c, ql::types::Role::Activation); }
std::string wmethod(const LayerQuantConfig &c) { return ql::types::methodName(c.weight.method); }
std::string amethod(const LayerQuantConfig &c) { return ql::types::methodName(c.act.method); }
bool perChannel(const LayerQuantConfig &c) { return c.weight.perChannel; }

// Three layers whose sizes are easy to do by hand.
void fill(LayerTableModel *m)
{
    m->setLayers({layer("a", 1000, 5000), layer("b", 300, 2000), layer("c", 7, 100)},
                 {quant(4, 8), quant(32, 32), quant(3, 3)});
}

} // namespace

class TestLayerTable : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void summaryNumbers()
    {
        LayerTableModel m;
        fill(&m);
        // ceil(1000*4/8) + 300*4 + ceil(7*3/8) = 500 + 1200 + 3
        QCOMPARE(m.modelBytes(), qint64(1703));
        QCOMPARE(m.fp32Bytes(), qint64((1000 + 300 + 7) * 4));
        // 5000*4*8 + 2000*32*32 + 100*3*3
        QCOMPARE(m.bops(), 2208900.0);
    }

    void editBitsThroughModel()
    {
        LayerTableModel m;
        fill(&m);
        QSignalSpy edited(&m, &LayerTableModel::configEdited);
        QSignalSpy summary(&m, &LayerTableModel::summaryChanged);
        // FP32 layer b gets 8-bit weights: method follows (none -> lsq), activations stay FP32.
        QVERIFY(m.setData(m.index(1, LayerTableModel::WeightBits), 8));
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).toInt(), 1);
        const auto cfg = edited.at(0).at(1).value<LayerQuantConfig>();
        QCOMPARE(wbits(cfg), 8);
        QCOMPARE(wmethod(cfg), std::string("lsq"));
        QCOMPARE(abits(cfg), 32);
        QCOMPARE(wbits(m.config(1)), 8);
        QVERIFY(summary.count() >= 1);
        // 500 + 300*8/8 + 3 and 5000*32 + 2000*8*32 + 900
        QCOMPARE(m.modelBytes(), qint64(803));
        QCOMPARE(m.bops(), 160000.0 + 512000.0 + 900.0);
    }

    void invalidEditsRejected_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<QVariant>("value");
        QTest::newRow("17 bits") << int(LayerTableModel::WeightBits) << QVariant(17);
        QTest::newRow("1 bit") << int(LayerTableModel::ActBits) << QVariant(1);
        QTest::newRow("text bits") << int(LayerTableModel::WeightBits) << QVariant(QStringLiteral("four"));
        QTest::newRow("unknown method") << int(LayerTableModel::WeightMethod) << QVariant(QStringLiteral("foo"));
        QTest::newRow("read-only name") << int(LayerTableModel::Name) << QVariant(QStringLiteral("x"));
    }
    void invalidEditsRejected()
    {
        QFETCH(int, column);
        QFETCH(QVariant, value);
        LayerTableModel m;
        fill(&m);
        QSignalSpy edited(&m, &LayerTableModel::configEdited);
        QVERIFY(!m.setData(m.index(0, column), value));
        QCOMPARE(edited.count(), 0);
        QCOMPARE(wbits(m.config(0)), 4);
        QCOMPARE(abits(m.config(0)), 8);
    }

    void methodAndBitsStayConsistent()
    {
        LayerTableModel m;
        fill(&m);
        QSignalSpy edited(&m, &LayerTableModel::configEdited);
        QVERIFY(m.setData(m.index(0, LayerTableModel::WeightBits), QStringLiteral("FP32")));
        QCOMPARE(wmethod(m.config(0)), std::string("none"));
        QCOMPARE(m.data(m.index(0, LayerTableModel::WeightBits)).toString(), QStringLiteral("FP32"));
        QVERIFY(m.setData(m.index(1, LayerTableModel::ActMethod), QStringLiteral("pact")));
        QCOMPARE(abits(m.config(1)), 8); // a method on an FP32 tensor picks 8 bits
        QVERIFY(m.setData(m.index(2, LayerTableModel::WeightMethod), QStringLiteral("none")));
        QCOMPARE(wbits(m.config(2)), 32);
        QCOMPARE(edited.count(), 3);
        // Setting the same value again is not an edit.
        QVERIFY(m.setData(m.index(2, LayerTableModel::WeightMethod), QStringLiteral("none")));
        QCOMPARE(edited.count(), 3);
        // Per-channel is a check box; FP32 weights have no channels to quantize.
        QVERIFY(!m.setData(m.index(0, LayerTableModel::PerChannel), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(m.setData(m.index(0, LayerTableModel::WeightBits), 4));
        QVERIFY(m.setData(m.index(0, LayerTableModel::PerChannel), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(perChannel(m.config(0)));
        QCOMPARE(edited.count(), 5);
    }

    void editThroughDelegates()
    {
        ql::ui::LayerTableView view;
        fill(view.model());
        QSignalSpy edited(&view, &ql::ui::LayerTableView::configEdited);
        QTableView *table = view.tableView();

        const QModelIndex bitsIndex = view.model()->index(2, LayerTableModel::ActBits);
        auto *bitsDelegate = table->itemDelegateForColumn(LayerTableModel::ActBits);
        QVERIFY(qobject_cast<ql::ui::BitsDelegate *>(bitsDelegate));
        QWidget *editor = bitsDelegate->createEditor(table->viewport(), QStyleOptionViewItem(), bitsIndex);
        auto *spin = qobject_cast<ql::ui::BitsSpinBox *>(editor);
        QVERIFY(spin);
        bitsDelegate->setEditorData(editor, bitsIndex);
        QCOMPARE(spin->value(), 3);
        spin->stepBy(2);
        QCOMPARE(spin->value(), 5);
        bitsDelegate->setModelData(editor, view.model(), bitsIndex);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).toInt(), 2);
        QCOMPARE(abits(edited.at(0).at(1).value<LayerQuantConfig>()), 5);
        delete editor;

        const QModelIndex methodIndex = view.model()->index(0, LayerTableModel::WeightMethod);
        auto *methodDelegate = table->itemDelegateForColumn(LayerTableModel::WeightMethod);
        editor = methodDelegate->createEditor(table->viewport(), QStyleOptionViewItem(), methodIndex);
        auto *combo = qobject_cast<QComboBox *>(editor);
        QVERIFY(combo);
        // Only the methods the registry allows for weights: PACT and ASQ quantize activations only.
        QCOMPARE(combo->count(), 10);
        QCOMPARE(combo->findText(QStringLiteral("pact")), -1);
        QCOMPARE(combo->findText(QStringLiteral("asq")), -1);
        QVERIFY(combo->findText(QStringLiteral("multipoint")) >= 0);
        methodDelegate->setEditorData(editor, methodIndex);
        QCOMPARE(combo->currentText(), QStringLiteral("lsq"));
        combo->setCurrentText(QStringLiteral("post"));
        methodDelegate->setModelData(editor, view.model(), methodIndex);
        delete editor;
        QCOMPARE(edited.count(), 2);
        QCOMPARE(wmethod(view.model()->config(0)), std::string("post"));
        QCOMPARE(wbits(view.model()->config(0)), 4);

        // The activation column offers activation methods only.
        const QModelIndex actIndex = view.model()->index(0, LayerTableModel::ActMethod);
        editor = table->itemDelegateForColumn(LayerTableModel::ActMethod)
                     ->createEditor(table->viewport(), QStyleOptionViewItem(), actIndex);
        combo = qobject_cast<QComboBox *>(editor);
        QVERIFY(combo);
        QVERIFY(combo->findText(QStringLiteral("pact")) >= 0);
        QCOMPARE(combo->findText(QStringLiteral("post")), -1);
        QCOMPARE(combo->findText(QStringLiteral("multipoint")), -1);
        delete editor;
    }

    void editsFollowTheRegistry()
    {
        LayerTableModel m;
        fill(&m);
        QSignalSpy edited(&m, &LayerTableModel::configEdited);
        // PACT cannot quantize weights: refused, nothing emitted.
        QVERIFY(!m.setData(m.index(0, LayerTableModel::WeightMethod), QStringLiteral("pact")));
        QCOMPARE(edited.count(), 0);
        // POT defines 2..8 bits: 12 bits on a POT tensor is refused, 6 accepted.
        QVERIFY(m.setData(m.index(0, LayerTableModel::WeightMethod), QStringLiteral("pot")));
        QVERIFY(!m.setData(m.index(0, LayerTableModel::WeightBits), 12));
        QCOMPARE(wbits(m.config(0)), 4);
        QVERIFY(m.setData(m.index(0, LayerTableModel::WeightBits), 6));
        QCOMPARE(wbits(m.config(0)), 6);
        // Switching a 16-bit tensor to POT clamps the bits into POT's range.
        QVERIFY(m.setData(m.index(2, LayerTableModel::WeightBits), 16));
        QVERIFY(m.setData(m.index(2, LayerTableModel::WeightMethod), QStringLiteral("post")));
        QCOMPARE(wbits(m.config(2)), 8);
        // LSQ+ on activations takes the sign of its configuration (4: signed, learned offset).
        QVERIFY(m.setData(m.index(0, LayerTableModel::ActMethod), QStringLiteral("lsq+")));
        QCOMPARE(m.config(0).act.lsqPlusConfig, 4);
        QVERIFY(m.config(0).act.isSigned);
        // Per-channel weights use the per-channel gradient scale.
        QVERIFY(m.setData(m.index(2, LayerTableModel::PerChannel), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(m.config(2).weight.perChannel);
        QCOMPARE(m.config(2).weight.gradScale, ql::types::GradScale::PerChannel);
        // Every accepted edit was announced with the full configuration.
        QCOMPARE(edited.count(), 6);
        QCOMPARE(edited.last().at(1).value<LayerQuantConfig>().weight.method, ql::types::Method::Post);
    }

    void bitsSpinBoxSkipsToFp32()
    {
        ql::ui::BitsSpinBox box;
        box.setValue(16);
        box.stepBy(1);
        QCOMPARE(box.value(), 32);
        QCOMPARE(box.text(), QStringLiteral("FP32"));
        box.stepBy(-1);
        QCOMPARE(box.value(), 16);
        box.setValue(2);
        box.stepBy(-1);
        QCOMPARE(box.value(), 2);
        QString text = QStringLiteral("20");
        int pos = 2;
        QCOMPARE(box.validate(text, pos), QValidator::Invalid);
        text = QStringLiteral("fp32");
        QCOMPARE(box.validate(text, pos), QValidator::Acceptable);
    }

    void setBitsForSelection()
    {
        ql::ui::LayerTableView view;
        fill(view.model());
        QSignalSpy edited(&view, &ql::ui::LayerTableView::configEdited);
        QItemSelectionModel *sel = view.tableView()->selectionModel();
        sel->select(view.model()->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        sel->select(view.model()->index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(view.selectedRows(), (QList<int>{0, 2}));

        // Through the action, weights only, 6 bits.
        view.bitsBox()->setValue(6);
        view.targetBox()->setCurrentIndex(view.targetBox()->findData(int(LayerTableModel::BitsTarget::Weights)));
        view.setBitsAction()->trigger();
        QCOMPARE(edited.count(), 2);
        QCOMPARE(wbits(view.model()->config(0)), 6);
        QCOMPARE(wbits(view.model()->config(2)), 6);
        QCOMPARE(abits(view.model()->config(0)), 8);
        QCOMPARE(wbits(view.model()->config(1)), 32); // not selected
        // 1000*6/8 + 1200 + ceil(7*6/8) = 750 + 1200 + 6
        QCOMPARE(view.model()->modelBytes(), qint64(1956));
        QVERIFY(view.summaryText().contains(QLocale().toString(qint64(1956))));

        // Then both tensors at FP32: methods follow.
        view.setBitsForSelection(32, LayerTableModel::BitsTarget::Both);
        QCOMPARE(edited.count(), 4);
        QCOMPARE(amethod(view.model()->config(2)), std::string("none"));
        QCOMPARE(view.model()->modelBytes(), qint64((1000 + 300 + 7) * 4));
        QCOMPARE(view.model()->bops(), (5000.0 + 2000.0 + 100.0) * 32 * 32);
    }

    void editWithKeyboardAndMouse()
    {
        ql::ui::LayerTableView view;
        fill(view.model());
        view.resize(1000, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy edited(&view, &ql::ui::LayerTableView::configEdited);
        QTableView *table = view.tableView();

        // F2 on a bits cell opens the spin box; type a width and confirm.
        table->setCurrentIndex(view.model()->index(1, LayerTableModel::WeightBits));
        QTest::keyClick(table, Qt::Key_F2);
        auto *spin = table->findChild<ql::ui::BitsSpinBox *>();
        QVERIFY(spin);
        spin->selectAll();
        QTest::keyClicks(spin, QStringLiteral("6"));
        QTest::keyClick(spin, Qt::Key_Return);
        QTRY_COMPARE(edited.count(), 1);
        QCOMPARE(wbits(view.model()->config(1)), 6);
        QCOMPARE(wmethod(view.model()->config(1)), std::string("lsq"));

        // Select two rows with the mouse, then press the action's button.
        const QRect r0 = table->visualRect(view.model()->index(0, LayerTableModel::Name));
        const QRect r2 = table->visualRect(view.model()->index(2, LayerTableModel::Name));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, r0.center());
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, r2.center());
        QCOMPARE(view.selectedRows(), (QList<int>{0, 2}));
        view.bitsBox()->setValue(2);
        auto *button = view.findChild<QToolButton *>();
        QVERIFY(button);
        QCOMPARE(button->defaultAction(), view.setBitsAction());
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(edited.count(), 3);
        for (int row : {0, 2}) {
            QCOMPARE(wbits(view.model()->config(row)), 2);
            QCOMPARE(abits(view.model()->config(row)), 2);
        }
        QCOMPARE(wbits(view.model()->config(1)), 6);
    }

    void snapshotsEmitOneBatchedChange()
    {
        LayerTableModel m;
        fill(&m);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        std::vector<std::shared_ptr<const ql::types::LayerSnapshot>> snaps;
        for (const char *name : {"c", "a", "unknown"}) {
            auto s = std::make_shared<ql::types::LayerSnapshot>();
            s->layer = name;
            s->weight.valid = true;
            s->weight.step = 0.125;
            s->weight.sqnrDb = 17.5;
            snaps.push_back(s);
        }
        m.updateSnapshots(snaps);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
        QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 2);
        QCOMPARE(m.data(m.index(2, LayerTableModel::WeightStep)).toString(), QStringLiteral("0.125"));
        QCOMPARE(m.data(m.index(0, LayerTableModel::WeightSqnr)).toString(), QStringLiteral("17.5"));
        QCOMPARE(m.data(m.index(1, LayerTableModel::WeightSqnr)).toString(), QStringLiteral("—"));
    }

    void statisticColumnsGrowWithTheirValues()
    {
        // Steps arrive after "—" placeholders: each snapshot widens the column to its values, so
        // that a step is never shown as "0...."
        ql::ui::LayerTableView view;
        auto *m = view.model();
        fill(m);
        view.resize(900, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QAbstractItemView *view2 = view.tableView();
        auto *table = view.tableView();
        for (double step : {0.5, 0.0151234567}) {
            std::vector<std::shared_ptr<const ql::types::LayerSnapshot>> snaps;
            for (const char *name : {"a", "b", "c"}) {
                auto s = std::make_shared<ql::types::LayerSnapshot>();
                s->layer = name;
                s->weight.valid = true;
                s->weight.step = step;
                snaps.push_back(s);
            }
            m->updateSnapshots(snaps);
            QVERIFY2(table->columnWidth(LayerTableModel::WeightStep) >=
                         view2->sizeHintForColumn(LayerTableModel::WeightStep),
                     qPrintable(QStringLiteral("%1 < %2")
                                    .arg(table->columnWidth(LayerTableModel::WeightStep))
                                    .arg(view2->sizeHintForColumn(LayerTableModel::WeightStep))));
        }
    }
};

QL_TEST(TestLayerTable)
#include "tst_layertable.moc"
