// Guards the contract with app/: the public widget headers compile with
// QT_NO_KEYWORDS (as app/ is built) and never pull in qcustomplot.h, whose
// `signals:` would break there. Also: every view exports under its own name.
#ifndef QT_NO_KEYWORDS
#define QT_NO_KEYWORDS
#endif
#include "tests/support/testmain.h"
#include "widgets/compareview.h"
#include "widgets/emptystate.h"
#include "widgets/errorview.h"
#include "widgets/histogramview.h"
#include "widgets/inspectorview.h"
#include "widgets/layerdelegates.h"
#include "widgets/layertablemodel.h"
#include "widgets/layertableview.h"
#include "widgets/levelsview.h"
#include "widgets/multipointmapview.h"
#include "widgets/offsetsview.h"
#include "widgets/paretoview.h"
#include "widgets/plotexport.h"
#include "widgets/refreshthrottle.h"
#include "widgets/trainingcurvesview.h"

#ifdef QCUSTOMPLOT_VERSION
#error "a public widgets header includes qcustomplot.h; forward-declare QCustomPlot instead"
#endif

#include <QtTest>

#include <memory>
#include <vector>

class TestPublicHeaders : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void viewsHaveDistinctStems()
    {
        std::vector<std::unique_ptr<ql::ui::InspectorView>> views;
        views.emplace_back(new ql::ui::LayerTableView);
        views.emplace_back(new ql::ui::HistogramView);
        views.emplace_back(new ql::ui::OffsetsView);
        views.emplace_back(new ql::ui::LevelsView);
        views.emplace_back(new ql::ui::ErrorView);
        views.emplace_back(new ql::ui::TrainingCurvesView);
        views.emplace_back(new ql::ui::CompareView);
        views.emplace_back(new ql::ui::MultipointMapView);
        views.emplace_back(new ql::ui::ParetoView);
        QSet<QString> stems;
        for (const auto &v : views) {
            QVERIFY(!v->viewTitle().isEmpty());
            const QString stem = v->fileStem();
            QVERIFY2(!stem.isEmpty() && !stems.contains(stem), qPrintable(stem));
            stems.insert(stem);
            // Every CSV starts with a header row, even before any data arrives.
            QVERIFY(v->toCsv().endsWith(QLatin1Char('\n')));
            QVERIFY(v->toCsv().count(QLatin1Char('\n')) >= 1);
        }
        QCOMPARE(stems.size(), 9);
    }
};

QL_TEST(TestPublicHeaders)
#include "tst_publicheaders.moc"
