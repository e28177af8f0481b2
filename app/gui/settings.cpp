#include "app/gui/settings.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

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

} // namespace ql::app
