#pragma once
#include <QString>
#include <QStringList>

namespace ql::app {

/// Languages the interface is translated into: codes ("en", "de", "zh_CN").
QStringList availableLanguages();
/// The language's own name ("Deutsch", "简体中文").
QString languageName(const QString &code);
/// The language chosen in the settings; empty means the system's.
QString chosenLanguage();
/// Stores the language for the next start.
void setChosenLanguage(const QString &code);

/// Models and sessions opened recently, newest first (at most kMaxRecentFiles).
constexpr int kMaxRecentFiles = 8;
QStringList recentFiles();
/// Puts `path` first in the recent files.
void addRecentFile(const QString &path);
/// Removes `path` (e.g. when it no longer exists).
void removeRecentFile(const QString &path);
/// Where QAT saves the session after every epoch.
QString autosaveFile();

} // namespace ql::app
