#include "app/gui/settings.h"

#include <QSettings>

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

} // namespace ql::app
