#pragma once
#include <QString>
#include <QStringList>

#include "ql/types/jobs.h"
#include "ql/types/quant.h"

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

/// The folder the last file dialog of `kind` ("model", "session", "data", "export") ended in;
/// the home folder at first.
QString lastFolder(const QString &kind);
void setLastFolder(const QString &kind, const QString &fileOrFolder);

/// The settings of the next PTQ/QAT beyond the tool bar's methods and bits (the job settings
/// dialog edits them; they persist across runs).
struct JobSettings {
    bool perChannel = true;
    int lsqPlusConfig = 4;
    types::InitMode actInit = types::InitMode::Default;
    int firstLastBits = 8;
    double multipointBudget = 0.5;
    int64_t calibrationImages = 512;
    double learningRate = 0; ///< 0: types::qatDefaults()
    double quantLearningRate = -1; ///< < 0: the network's learning rate (the papers')
    double weightDecay = -1; ///< < 0: types::qatDefaults()
    int64_t batchSize = 0; ///< 0: types::qatDefaults()
};
JobSettings jobSettings();
void setJobSettings(const JobSettings &settings);
/// The recipe of the tool bar's methods and bits with the job settings.
types::QuantRecipe recipeWith(const JobSettings &settings, types::Method weights, int weightBits, types::Method acts,
                              int actBits);
/// QAT options for `epochs` epochs from the job settings and the shared QAT defaults.
types::QatOptions qatOptionsWith(const JobSettings &settings, int epochs);

} // namespace ql::app
