#include "app/gui/settings.h"

#include "ql/types/methods.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

#include <algorithm>

namespace ql::app {

static const auto kLanguageKey = QStringLiteral("ui/language");

QStringList availableLanguages() { return {QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("zh_CN")}; }

QString languageName(const QString &code)
{
    if (code == u"de")
        return QStringLiteral("Deutsch");
    if (code == u"zh_CN")
        return QStringLiteral("简体中文");
    return QStringLiteral("English");
}

QString chosenLanguage() { return QSettings().value(kLanguageKey).toString(); }

void setChosenLanguage(const QString &code) { QSettings().setValue(kLanguageKey, code); }

static const auto kRecentKey = QStringLiteral("files/recent");

QStringList recentFiles() { return QSettings().value(kRecentKey).toStringList(); }

void addRecentFile(const QString &path)
{
    const QString absolute = QDir(path).absolutePath();
    QStringList files = recentFiles();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    QSettings().setValue(kRecentKey, files);
}

void removeRecentFile(const QString &path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    QSettings().setValue(kRecentKey, files);
}

QString autosaveFile()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return dir + QStringLiteral("/autosave.qls");
}

QString lastFolder(const QString &kind)
{
    const QString dir = QSettings().value(QStringLiteral("files/lastFolder/") + kind).toString();
    return !dir.isEmpty() && QFileInfo(dir).isDir() ? dir : QDir::homePath();
}

void setLastFolder(const QString &kind, const QString &fileOrFolder)
{
    const QFileInfo info(fileOrFolder);
    QSettings().setValue(QStringLiteral("files/lastFolder/") + kind,
                         info.isDir() ? info.absoluteFilePath() : info.absolutePath());
}

JobSettings jobSettings()
{
    QSettings q;
    JobSettings s;
    q.beginGroup(QStringLiteral("jobs"));
    s.perChannel = q.value(QStringLiteral("perChannel"), s.perChannel).toBool();
    s.lsqPlusConfig = std::clamp(q.value(QStringLiteral("lsqPlusConfig"), s.lsqPlusConfig).toInt(), 1, 4);
    s.actInit = types::InitMode(std::clamp(q.value(QStringLiteral("actInit"), int(s.actInit)).toInt(), 0, 2));
    s.firstLastBits = q.value(QStringLiteral("firstLastBits"), s.firstLastBits).toInt();
    s.multipointBudget = q.value(QStringLiteral("multipointBudget"), s.multipointBudget).toDouble();
    s.calibrationImages = q.value(QStringLiteral("calibrationImages"), qlonglong(s.calibrationImages)).toLongLong();
    s.learningRate = q.value(QStringLiteral("learningRate"), s.learningRate).toDouble();
    s.quantLearningRate = q.value(QStringLiteral("quantLearningRate"), s.quantLearningRate).toDouble();
    s.weightDecay = q.value(QStringLiteral("weightDecay"), s.weightDecay).toDouble();
    s.batchSize = q.value(QStringLiteral("batchSize"), qlonglong(s.batchSize)).toLongLong();
    return s;
}

void setJobSettings(const JobSettings &s)
{
    QSettings q;
    q.beginGroup(QStringLiteral("jobs"));
    q.setValue(QStringLiteral("perChannel"), s.perChannel);
    q.setValue(QStringLiteral("lsqPlusConfig"), s.lsqPlusConfig);
    q.setValue(QStringLiteral("actInit"), int(s.actInit));
    q.setValue(QStringLiteral("firstLastBits"), s.firstLastBits);
    q.setValue(QStringLiteral("multipointBudget"), s.multipointBudget);
    q.setValue(QStringLiteral("calibrationImages"), qlonglong(s.calibrationImages));
    q.setValue(QStringLiteral("learningRate"), s.learningRate);
    q.setValue(QStringLiteral("quantLearningRate"), s.quantLearningRate);
    q.setValue(QStringLiteral("weightDecay"), s.weightDecay);
    q.setValue(QStringLiteral("batchSize"), qlonglong(s.batchSize));
}

types::QuantRecipe recipeWith(const JobSettings &s, types::Method weights, int weightBits, types::Method acts,
                              int actBits)
{
    types::QuantRecipe r;
    r.weightMethod = weights;
    r.actMethod = acts;
    r.weightBits = weightBits;
    r.actBits = actBits;
    if (!types::methodInfo(weights).uniform)
        r.weightBits = std::min(r.weightBits, types::bitRange(weights, true).second);
    r.perChannel = s.perChannel;
    r.lsqPlusConfig = s.lsqPlusConfig;
    r.actInit = s.actInit;
    r.firstLastBits = s.firstLastBits;
    r.multipointBudget = s.multipointBudget;
    return r;
}

types::QatOptions qatOptionsWith(const JobSettings &s, int epochs)
{
    const auto &d = types::qatDefaults();
    types::QatOptions o;
    o.calibrationImages = s.calibrationImages > 0 ? s.calibrationImages : d.calibrationImages;
    o.train.epochs = epochs;
    o.train.batchSize = s.batchSize > 0 ? s.batchSize : d.batchSize;
    o.train.learningRate = s.learningRate > 0 ? s.learningRate : d.learningRate;
    o.train.quantLearningRate = s.quantLearningRate >= 0 ? s.quantLearningRate : d.quantLearningRate;
    o.train.weightDecay = s.weightDecay >= 0 ? s.weightDecay : d.weightDecay;
    o.train.momentum = d.momentum;
    return o;
}

} // namespace ql::app
