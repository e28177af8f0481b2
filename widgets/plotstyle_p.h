#pragma once
// Internal to ql_widgets: shared plot styling and drawing helpers. Includes
// qcustomplot.h, so it must never be included from a public header.
#include <qcustomplot.h>

#include "ql/types/telemetry.h"

#include <vector>

namespace ql::ui::plot {

/// Colour-blind-safe series colours (Okabe & Ito), cycling.
QColor seriesColor(int index);
/// Colour of quantization level lines.
QColor levelColor();
/// Colour of clipped regions.
QColor clipColor();
/// Grey used for FP distributions.
QColor distributionColor();

/// Common look: antialiasing, fonts, drag/zoom on both axes, no OpenGL.
void setupPlot(QCustomPlot *plot);
/// A bold title row above the main axis rect; returns the element to update.
QCPTextElement *addTitle(QCustomPlot *plot, const QString &text);
/// Moves the legend out of the axis rect into a row under the plot, so it never
/// covers data; entries flow in rows of as many columns as the width allows, at
/// most `columns`.
void legendBelow(QCustomPlot *plot, int columns = 4);
/// Creates a QCustomPlot with setupPlot() applied, sized for docks.
QCustomPlot *makePlot(QWidget *parent);

/// Where the distribution drawing put its parts.
struct DistributionDrawing {
    int levelLines = 0; ///< vertical level lines drawn
    int levelCount = 0; ///< levels of the quantizer (may exceed levelLines)
    bool levelComb = false; ///< levels drawn as short ticks along the bottom (too many for full lines)
    int spreadBands = 0; ///< hatched bands of the other channels' clip limits (per-channel quantizers)
    QString clippedLowText;
    QString clippedHighText;
};

/// Draws an FP histogram with the quantizer's levels as vertical lines and the
/// clipping range shaded onto the plot's main axis rect. Level lines are drawn
/// only up to kMaxLevelLines (denser grids would paint the plot solid).
DistributionDrawing drawDistribution(QCustomPlot *plot, const types::TensorQuantStats &stats,
                                     const std::vector<double> &levels, bool logScale);
inline constexpr int kMaxLevelLines = 512;
/// Above this many levels, full-height lines would fill the plot: a comb of ticks instead.
inline constexpr int kMaxFullLevelLines = 64;
/// Height of the comb's ticks, as a fraction of the plot's height.
inline constexpr double kCombHeight = 0.07;

/// The levels a stats record implies: its own list, else (codeLo + i) * step + offset
/// over codeCounts. Empty when neither is known.
std::vector<double> levelsOf(const types::TensorQuantStats &stats);

/// A layer name short enough for a category axis: its tail, which tells
/// siblings apart ("…0.downsample.0"), behind an ellipsis.
QString shortName(const std::string &name, int maxChars = 14);
/// Percent text such as "1.23 %".
QString percent(double fraction);
/// Compact number: 1.2 k, 3.4 M, 5.6 G.
QString compact(double v);

/// Applies a linear or logarithmic count axis.
void setCountAxis(QCPAxis *axis, bool logScale, double maxCount);

} // namespace ql::ui::plot
