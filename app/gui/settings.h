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

} // namespace ql::app
