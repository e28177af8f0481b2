<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>BitsSpinBox</name>
    <message>
        <source>Bit-width: 2–16, or FP32 (no quantization)</source>
        <translation>Bitbreite: 2–16 oder FP32 (keine Quantisierung)</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>value (real units)</source>
        <translation>Wert (reale Einheiten)</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Compare quantizers</source>
        <translation>Quantisierer vergleichen</translation>
    </message>
    <message>
        <source>Pick a layer and two configurations to compare them</source>
        <translation>Wählen Sie eine Schicht und zwei Konfigurationen zum Vergleichen</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 vs %3</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: %2 vs. %3</translation>
    </message>
    <message>
        <source>(no configuration)</source>
        <translation>(keine Konfiguration)</translation>
    </message>
    <message>
        <source>%1: no statistics</source>
        <translation>%1: keine Statistik</translation>
    </message>
    <message>
        <source>%1
%2
%3</source>
        <translation>%1
%2
%3</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
</context>
<context>
    <name>EngineBridge</name>
    <message>
        <source>Open model</source>
        <translation>Modell öffnen</translation>
    </message>
    <message>
        <source>%1 (%2, %3 parameters) on %4</source>
        <translation>%1 (%2, %3 Parameter) auf %4</translation>
    </message>
    <message>
        <source>PTQ</source>
        <translation>PTQ</translation>
    </message>
    <message>
        <source>PTQ: FP32 top-1 %1%, quantized %2%</source>
        <translation>PTQ: FP32 Top-1 %1%, quantisiert %2%</translation>
    </message>
    <message>
        <source>QAT</source>
        <translation>QAT</translation>
    </message>
    <message>
        <source>QAT: FP32 top-1 %1%, quantized %2%%3</source>
        <translation>QAT: FP32 Top-1 %1%, quantisiert %2%%3</translation>
    </message>
    <message>
        <source> (stopped)</source>
        <translation> (gestoppt)</translation>
    </message>
    <message>
        <source>Error accumulation</source>
        <translation>Fehlerakkumulation</translation>
    </message>
    <message>
        <source>Error accumulation done</source>
        <translation>Fehlerakkumulation abgeschlossen</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message>
        <source>Sensitivity ranked %1 layers</source>
        <translation>Sensitivität: %1 Schichten eingestuft</translation>
    </message>
    <message>
        <source>What-if</source>
        <translation>Was-wäre-wenn</translation>
    </message>
    <message>
        <source>%1 at W%2A%3: top-1 %4% on %5 images (%6 ms)</source>
        <translation>%1 bei W%2A%3: Top-1 %4% auf %5 Bildern (%6 ms)</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>Sitzung speichern</translation>
    </message>
    <message>
        <source>Session saved to %1</source>
        <translation>Sitzung gespeichert unter %1</translation>
    </message>
</context>
<context>
    <name>ErrorView</name>
    <message>
        <source>Error accumulated at each block output</source>
        <translation>Akkumulierter Fehler am Ausgang jedes Blocks</translation>
    </message>
    <message>
        <source>block</source>
        <translation>Block</translation>
    </message>
    <message>
        <source>‖y_fp − y_q‖₂</source>
        <translation>‖y_fp − y_q‖₂</translation>
    </message>
    <message>
        <source>Each layer&apos;s own rounding and clipping error</source>
        <translation>Eigener Rundungs- und Clipping-Fehler jeder Schicht</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>‖x − x̂‖₂</source>
        <translation>‖x − x̂‖₂</translation>
    </message>
    <message>
        <source>Error accumulation</source>
        <translation>Fehlerakkumulation</translation>
    </message>
    <message>
        <source>Run &quot;Error accumulation&quot; on one or two configurations to compare them here</source>
        <translation>Führen Sie „Fehlerakkumulation“ für eine oder zwei Konfigurationen aus, um sie hier zu vergleichen</translation>
    </message>
    <message>
        <source>No per-layer errors yet</source>
        <translation>Noch keine Fehler pro Schicht</translation>
    </message>
</context>
<context>
    <name>HistogramView</name>
    <message>
        <source>Log scale</source>
        <translation>Log-Skala</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <source>Which tensor of the layer to show</source>
        <translation>Welcher Tensor der Schicht angezeigt wird</translation>
    </message>
    <message>
        <source>Logarithmic count axis, to see the tails</source>
        <translation>Logarithmische Anzahl-Achse, um die Ausläufer zu sehen</translation>
    </message>
    <message>
        <source>value (real units)</source>
        <translation>Wert (reale Einheiten)</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>integer code</source>
        <translation>Integer-Code</translation>
    </message>
    <message>
        <source>No layer selected</source>
        <translation>Keine Schicht ausgewählt</translation>
    </message>
    <message>
        <source>Select a layer in the layer table, or start a job: the distribution of its weights or activations appears here with the quantization levels over it.</source>
        <translation>Wählen Sie eine Schicht in der Schichttabelle aus oder starten Sie einen Job: Die Verteilung ihrer Gewichte oder Aktivierungen erscheint hier, überlagert von den Quantisierungsstufen.</translation>
    </message>
    <message>
        <source>Histogram</source>
        <translation>Histogramm</translation>
    </message>
    <message>
        <source>Layer %1: no %2 statistics yet</source>
        <translation>Schicht %1: noch keine Statistik für %2</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <source>activation</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <source>No layer</source>
        <translation>Keine Schicht</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; at step %2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; bei Schritt %2</translation>
    </message>
    <message>
        <source>FP %1 distribution
%2
%3</source>
        <translation>FP-Verteilung der %1
%2
%3</translation>
    </message>
    <message>
        <source>used codes</source>
        <translation>genutzte Codes</translation>
    </message>
    <message>
        <source>unused code</source>
        <translation>ungenutzter Code</translation>
    </message>
    <message>
        <source>Integer codes
%1 of %2 used</source>
        <translation>Integer-Codes
%1 von %2 genutzt</translation>
    </message>
    <message>
        <source>Integer codes
not reported</source>
        <translation>Integer-Codes
nicht gemeldet</translation>
    </message>
</context>
<context>
    <name>LayerTableModel</name>
    <message>
        <source>%1 (block %2)</source>
        <translation>%1 (Block %2)</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Weight shape</source>
        <translation>Gewichtsform</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>W bits</source>
        <translation>W-Bits</translation>
    </message>
    <message>
        <source>A bits</source>
        <translation>A-Bits</translation>
    </message>
    <message>
        <source>W method</source>
        <translation>W-Methode</translation>
    </message>
    <message>
        <source>A method</source>
        <translation>A-Methode</translation>
    </message>
    <message>
        <source>Per-ch.</source>
        <translation>Pro Kanal</translation>
    </message>
    <message>
        <source>W step</source>
        <translation>W-Schritt</translation>
    </message>
    <message>
        <source>A step</source>
        <translation>A-Schritt</translation>
    </message>
    <message>
        <source>A offset β</source>
        <translation>A-Offset β</translation>
    </message>
    <message>
        <source>W SQNR (dB)</source>
        <translation>W-SQNR (dB)</translation>
    </message>
    <message>
        <source>A SQNR (dB)</source>
        <translation>A-SQNR (dB)</translation>
    </message>
    <message>
        <source>Sens. rank</source>
        <translation>Sens.-Rang</translation>
    </message>
    <message>
        <source>Multiply-accumulates per input sample</source>
        <translation>Multiply-Accumulate-Operationen pro Eingabebeispiel</translation>
    </message>
    <message>
        <source>Weight bit-width (2–16, or FP32); double-click to edit</source>
        <translation>Gewichts-Bitbreite (2–16 oder FP32); Doppelklick zum Bearbeiten</translation>
    </message>
    <message>
        <source>Input activation bit-width (2–16, or FP32); double-click to edit</source>
        <translation>Bitbreite der Eingangsaktivierungen (2–16 oder FP32); Doppelklick zum Bearbeiten</translation>
    </message>
    <message>
        <source>Weight quantizer; double-click to edit</source>
        <translation>Gewichtsquantisierer; Doppelklick zum Bearbeiten</translation>
    </message>
    <message>
        <source>Activation quantizer; double-click to edit</source>
        <translation>Aktivierungsquantisierer; Doppelklick zum Bearbeiten</translation>
    </message>
    <message>
        <source>One weight step size per output channel</source>
        <translation>Eine Gewichts-Schrittweite pro Ausgabekanal</translation>
    </message>
    <message>
        <source>Current weight step size s (mean over channels)</source>
        <translation>Aktuelle Gewichts-Schrittweite s (Mittel über die Kanäle)</translation>
    </message>
    <message>
        <source>Current activation step size s</source>
        <translation>Aktuelle Aktivierungs-Schrittweite s</translation>
    </message>
    <message>
        <source>Learned activation offset β (LSQ+), 0 if none</source>
        <translation>Gelernter Aktivierungs-Offset β (LSQ+), 0 falls keiner</translation>
    </message>
    <message>
        <source>Signal-to-quantization-noise ratio of the weights</source>
        <translation>Signal-Quantisierungsrausch-Verhältnis der Gewichte</translation>
    </message>
    <message>
        <source>Signal-to-quantization-noise ratio of the input activations</source>
        <translation>Signal-Quantisierungsrausch-Verhältnis der Eingangsaktivierungen</translation>
    </message>
    <message>
        <source>1 = the layer whose quantization hurts accuracy most</source>
        <translation>1 = die Schicht, deren Quantisierung die Genauigkeit am stärksten beeinträchtigt</translation>
    </message>
</context>
<context>
    <name>LayerTableView</name>
    <message>
        <source>Set bits for selection</source>
        <translation>Bits für Auswahl setzen</translation>
    </message>
    <message>
        <source>weights and activations</source>
        <translation>Gewichte und Aktivierungen</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <source>activations</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <source>Give every selected layer this bit-width</source>
        <translation>Allen ausgewählten Schichten diese Bitbreite zuweisen</translation>
    </message>
    <message>
        <source>Bits:</source>
        <translation>Bits:</translation>
    </message>
    <message>
        <source>for</source>
        <translation>für</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <source>No model loaded: open a model to list its quantizable layers.</source>
        <translation>Kein Modell geladen: Öffnen Sie ein Modell, um seine quantisierbaren Schichten aufzulisten.</translation>
    </message>
    <message>
        <source>%1 layers · weights %2 (%3 bytes, %4× smaller than FP32) · %5BOPs</source>
        <translation>%1 Schichten · Gewichte %2 (%3 Bytes, %4× kleiner als FP32) · %5BOPs</translation>
    </message>
</context>
<context>
    <name>LevelsView</name>
    <message>
        <source> bits</source>
        <translation> Bit</translation>
    </message>
    <message>
        <source>POT/POST as in the papers (2^b + 1 levels)</source>
        <translation>POT/POST wie in den Papern (2^b + 1 Stufen)</translation>
    </message>
    <message>
        <source>POT/POST strict (2^b − 1 levels, fits in b bits)</source>
        <translation>POT/POST strikt (2^b − 1 Stufen, passt in b Bits)</translation>
    </message>
    <message>
        <source>Signed weight levels at</source>
        <translation>Vorzeichenbehaftete Gewichtsstufen bei</translation>
    </message>
    <message>
        <source>level / α</source>
        <translation>Stufe / α</translation>
    </message>
    <message>
        <source>weight / α (α = clipping threshold)</source>
        <translation>Gewicht / α (α = Clipping-Schwelle)</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Level sets</source>
        <translation>Stufenmengen</translation>
    </message>
    <message>
        <source>Uniform</source>
        <translation>Gleichmäßig</translation>
    </message>
    <message>
        <source>POT</source>
        <translation>POT</translation>
    </message>
    <message>
        <source>POST (√2)</source>
        <translation>POST (√2)</translation>
    </message>
    <message>
        <source>APoT (k = 2)</source>
        <translation>APoT (k = 2)</translation>
    </message>
    <message>
        <source>%1 (n/a)</source>
        <translation>%1 (n. v.)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Signed %1-bit level sets (number of levels in brackets)
normalised to the clipping threshold α</source>
        <translation>Vorzeichenbehaftete %1-Bit-Stufenmengen (Anzahl der Stufen in Klammern)
normiert auf die Clipping-Schwelle α</translation>
    </message>
    <message>
        <source>weight / α of %1 (α = %2)</source>
        <translation>Gewicht / α von %1 (α = %2)</translation>
    </message>
    <message>
        <source>Select a layer to see its weights under the levels</source>
        <translation>Wählen Sie eine Schicht aus, um ihre Gewichte unter den Stufen zu sehen</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>QuantLens</source>
        <translation>QuantLens</translation>
    </message>
    <message>
        <source>No model open</source>
        <translation>Kein Modell geöffnet</translation>
    </message>
    <message>
        <source>Open a model with File ▸ Open model… (a .pth state dict with its .json description, or a TorchScript archive), then quantize it with the tool bar: PTQ, QAT, error accumulation, sensitivity.</source>
        <translation>Öffnen Sie ein Modell mit Datei ▸ Modell öffnen… (ein .pth-State-Dict mit seiner .json-Beschreibung oder ein TorchScript-Archiv) und quantisieren Sie es dann über die Werkzeugleiste: PTQ, QAT, Fehlerakkumulation, Sensitivität.</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Gerät: %1</translation>
    </message>
    <message>
        <source>Device: none (%1)</source>
        <translation>Gerät: keines (%1)</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <source>Histogram</source>
        <translation>Histogramm</translation>
    </message>
    <message>
        <source>Offsets and step sizes</source>
        <translation>Offsets und Schrittweiten</translation>
    </message>
    <message>
        <source>Levels</source>
        <translation>Stufen</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <source>Error accumulation</source>
        <translation>Fehlerakkumulation</translation>
    </message>
    <message>
        <source>Training curves</source>
        <translation>Trainingskurven</translation>
    </message>
    <message>
        <source>Multipoint map</source>
        <translation>Multipoint-Karte</translation>
    </message>
    <message>
        <source>Busy with %1: the change to %2 applies when you run a job.</source>
        <translation>Beschäftigt mit %1: Die Änderung an %2 wird beim nächsten Job wirksam.</translation>
    </message>
    <message>
        <source>Quantize</source>
        <translation>Quantisieren</translation>
    </message>
    <message>
        <source> Weights </source>
        <translation> Gewichte </translation>
    </message>
    <message>
        <source> Activations </source>
        <translation> Aktivierungen </translation>
    </message>
    <message>
        <source>Run PTQ</source>
        <translation>PTQ ausführen</translation>
    </message>
    <message>
        <source> Epochs </source>
        <translation> Epochen </translation>
    </message>
    <message>
        <source>Run QAT</source>
        <translation>QAT ausführen</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message>
        <source>PTQ</source>
        <translation>PTQ</translation>
    </message>
    <message>
        <source>QAT</source>
        <translation>QAT</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation>&amp;Modell öffnen…</translation>
    </message>
    <message>
        <source>Open &amp;data…</source>
        <translation>&amp;Daten öffnen…</translation>
    </message>
    <message>
        <source>&amp;Save session…</source>
        <translation>Sitzung &amp;speichern…</translation>
    </message>
    <message>
        <source>&amp;Export all plots…</source>
        <translation>Alle Diagramme &amp;exportieren…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About QuantLens</source>
        <translation>Ü&amp;ber QuantLens</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The language changes the next time QuantLens starts.</source>
        <translation>Die Sprache wird beim nächsten Start von QuantLens geändert.</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <source>Wait for %1 to finish, or stop it.</source>
        <translation>Warten Sie, bis %1 abgeschlossen ist, oder stoppen Sie den Vorgang.</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>Modell öffnen</translation>
    </message>
    <message>
        <source>Models (*.pth *.pt);;All files (*)</source>
        <translation>Modelle (*.pth *.pt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Open data</source>
        <translation>Daten öffnen</translation>
    </message>
    <message>
        <source>A model opens with the data set it was trained on (from its .json description), or Fashion-MNIST. Other data sets are used from the command line: quantlens-cli … --data PATH.</source>
        <translation>Ein Modell wird mit dem Datensatz geöffnet, auf dem es trainiert wurde (aus seiner .json-Beschreibung), oder mit Fashion-MNIST. Andere Datensätze lassen sich über die Kommandozeile verwenden: quantlens-cli … --data PATH.</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>Sitzung speichern</translation>
    </message>
    <message>
        <source>Sessions (*.qls)</source>
        <translation>Sitzungen (*.qls)</translation>
    </message>
    <message>
        <source>Export all plots to</source>
        <translation>Alle Diagramme exportieren nach</translation>
    </message>
    <message>
        <source>Wrote %1 files to %2</source>
        <translation>%1 Dateien nach %2 geschrieben</translation>
    </message>
    <message>
        <source>About QuantLens</source>
        <translation>Über QuantLens</translation>
    </message>
    <message>
        <source>&lt;h3&gt;QuantLens %1&lt;/h3&gt;&lt;p&gt;See what quantization does to every layer of a neural network: post-training and quantization-aware training (LSQ, LSQ+, ASQ, POT/POST, multipoint PTQ), live, per layer.&lt;/p&gt;&lt;p&gt;libtorch %2, Qt %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;QuantLens %1&lt;/h3&gt;&lt;p&gt;Sehen Sie, was Quantisierung mit jeder Schicht eines neuronalen Netzes macht: Post-Training-Quantisierung und quantisierungsbewusstes Training (LSQ, LSQ+, ASQ, POT/POST, Multipoint-PTQ), live und pro Schicht.&lt;/p&gt;&lt;p&gt;libtorch %2, Qt %3&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1
Choose the quantizers in the tool bar and run PTQ or QAT; edit bits in the layer table to see the effect at once.</source>
        <translation>%1
Wählen Sie die Quantisierer in der Werkzeugleiste und führen Sie PTQ oder QAT aus; ändern Sie die Bits in der Schichttabelle, um die Wirkung sofort zu sehen.</translation>
    </message>
    <message>
        <source>QuantLens — %1</source>
        <translation>QuantLens — %1</translation>
    </message>
    <message>
        <source>%1…</source>
        <translation>%1…</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 fehlgeschlagen</translation>
    </message>
    <message>
        <source>  ETA %1 s</source>
        <translation>  ETA %1 s</translation>
    </message>
    <message>
        <source>A job is running</source>
        <translation>Ein Job läuft</translation>
    </message>
    <message>
        <source>%1 is still running. Stop it and quit?</source>
        <translation>%1 läuft noch. Stoppen und beenden?</translation>
    </message>
</context>
<context>
    <name>MethodDelegate</name>
    <message>
        <source>Quantization method</source>
        <translation>Quantisierungsmethode</translation>
    </message>
</context>
<context>
    <name>MultipointMapView</name>
    <message>
        <source>points per channel</source>
        <translation>Punkte pro Kanal</translation>
    </message>
    <message>
        <source>output channel mod columns</source>
        <translation>Ausgabekanal mod Spalten</translation>
    </message>
    <message>
        <source>output channel ÷ columns (row)</source>
        <translation>Ausgabekanal ÷ Spalten (Zeile)</translation>
    </message>
    <message>
        <source>Multipoint map</source>
        <translation>Multipoint-Karte</translation>
    </message>
    <message>
        <source>Multipoint PTQ: no result yet</source>
        <translation>Multipoint-PTQ: noch kein Ergebnis</translation>
    </message>
    <message>
        <source>Run multipoint PTQ on a layer to see how many points each output channel gets.</source>
        <translation>Führen Sie Multipoint-PTQ für eine Schicht aus, um zu sehen, wie viele Punkte jeder Ausgabekanal erhält.</translation>
    </message>
    <message>
        <source>%1: %2 channels
%3 points per channel on average</source>
        <translation>%1: %2 Kanäle
durchschnittlich %3 Punkte pro Kanal</translation>
    </message>
    <message>
        <source>1 point</source>
        <translation>1 Punkt</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>%1 Punkte</translation>
    </message>
    <message>
        <source>1 channel</source>
        <translation>1 Kanal</translation>
    </message>
    <message>
        <source>%1 channels</source>
        <translation>%1 Kanäle</translation>
    </message>
    <message>
        <source>%1: %2 (%3 %)</source>
        <translation>%1: %2 (%3 %)</translation>
    </message>
    <message>
        <source>Output error ‖Wx − Ŵx‖²: %1 with one point → %2 after (%3 %)</source>
        <translation>Ausgabefehler ‖Wx − Ŵx‖²: %1 mit einem Punkt → %2 danach (%3 %)</translation>
    </message>
</context>
<context>
    <name>OffsetsView</name>
    <message>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <source>Step size s and offset β of:</source>
        <translation>Schrittweite s und Offset β von:</translation>
    </message>
    <message>
        <source>Newest step size s and offset β per layer</source>
        <translation>Neueste Schrittweite s und Offset β pro Schicht</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>value (real units)</source>
        <translation>Wert (reale Einheiten)</translation>
    </message>
    <message>
        <source>s (solid) and β (dashed) over training, selected layers</source>
        <translation>s (durchgezogen) und β (gestrichelt) im Trainingsverlauf, ausgewählte Schichten</translation>
    </message>
    <message>
        <source>training step</source>
        <translation>Trainingsschritt</translation>
    </message>
    <message>
        <source>Step sizes and offsets</source>
        <translation>Schrittweiten und Offsets</translation>
    </message>
    <message>
        <source>step size s</source>
        <translation>Schrittweite s</translation>
    </message>
    <message>
        <source>offset β</source>
        <translation>Offset β</translation>
    </message>
    <message>
        <source>No quantizer statistics yet: start QAT or PTQ</source>
        <translation>Noch keine Quantisierer-Statistik: Starten Sie QAT oder PTQ</translation>
    </message>
    <message>
        <source>%1: β</source>
        <translation>%1: β</translation>
    </message>
    <message>
        <source>Select layers in the layer table to follow s and β over training</source>
        <translation>Wählen Sie Schichten in der Schichttabelle aus, um s und β im Trainingsverlauf zu verfolgen</translation>
    </message>
    <message>
        <source>No history for the selected layers yet</source>
        <translation>Noch kein Verlauf für die ausgewählten Schichten</translation>
    </message>
</context>
<context>
    <name>TrainingCurvesView</name>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>training step</source>
        <translation>Trainingsschritt</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <source>top-1 accuracy (%)</source>
        <translation>Top-1-Genauigkeit (%)</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>loss (left axis)</source>
        <translation>Loss (linke Achse)</translation>
    </message>
    <message>
        <source>accuracy (right axis)</source>
        <translation>Genauigkeit (rechte Achse)</translation>
    </message>
    <message>
        <source>FP32 baseline accuracy</source>
        <translation>FP32-Basisgenauigkeit</translation>
    </message>
    <message>
        <source>Training curves</source>
        <translation>Trainingskurven</translation>
    </message>
    <message>
        <source>FP32 %1 %</source>
        <translation>FP32 %1 %</translation>
    </message>
    <message>
        <source>Training: no steps yet</source>
        <translation>Training: noch keine Schritte</translation>
    </message>
    <message>
        <source>Step %1 · epoch %2
loss %3 · accuracy %4 %</source>
        <translation>Schritt %1 · Epoche %2
Loss %3 · Genauigkeit %4 %</translation>
    </message>
</context>
<context>
    <name>ql::ui::CompareView</name>
    <message>
        <source>MSE</source>
        <translation>MSE</translation>
    </message>
    <message>
        <source>L2 error ‖x − x̂‖₂</source>
        <translation>L2-Fehler ‖x − x̂‖₂</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
    <message>
        <source>cosine similarity</source>
        <translation>Kosinus-Ähnlichkeit</translation>
    </message>
    <message>
        <source>clipped below (%)</source>
        <translation>unten abgeschnitten (%)</translation>
    </message>
    <message>
        <source>clipped above (%)</source>
        <translation>oben abgeschnitten (%)</translation>
    </message>
    <message>
        <source>step size s</source>
        <translation>Schrittweite s</translation>
    </message>
</context>
<context>
    <name>ql::ui::PlotExport</name>
    <message>
        <source>No view to export</source>
        <translation>Keine Ansicht zum Exportieren</translation>
    </message>
    <message>
        <source>Could not write %1: check that the folder exists and is writable</source>
        <translation>%1 konnte nicht geschrieben werden: Prüfen Sie, ob der Ordner existiert und beschreibbar ist</translation>
    </message>
    <message>
        <source>Writing %1 produced an empty file</source>
        <translation>Beim Schreiben von %1 entstand eine leere Datei</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot export to %1: use a name ending in .png, .pdf, .svg or .csv</source>
        <translation>Export nach %1 nicht möglich: Verwenden Sie einen Namen mit der Endung .png, .pdf, .svg oder .csv</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <source>SVG drawing (*.svg)</source>
        <translation>SVG-Zeichnung (*.svg)</translation>
    </message>
    <message>
        <source>CSV data (*.csv)</source>
        <translation>CSV-Daten (*.csv)</translation>
    </message>
    <message>
        <source>Could not create the folder %1</source>
        <translation>Der Ordner %1 konnte nicht erstellt werden</translation>
    </message>
    <message>
        <source>Written %1.</source>
        <translation>%1 geschrieben.</translation>
    </message>
    <message>
        <source>View</source>
        <translation>Ansicht</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
</context>
<context>
    <name>ql::ui::plot</name>
    <message>
        <source>FP values</source>
        <translation>FP-Werte</translation>
    </message>
    <message>
        <source>clipped below: %1</source>
        <translation>unten abgeschnitten: %1</translation>
    </message>
    <message>
        <source>clipped above: %1</source>
        <translation>oben abgeschnitten: %1</translation>
    </message>
    <message>
        <source>no levels reported</source>
        <translation>keine Stufen gemeldet</translation>
    </message>
    <message>
        <source>%1 levels</source>
        <translation>%1 Stufen</translation>
    </message>
    <message>
        <source>%1 levels (too dense to draw)</source>
        <translation>%1 Stufen (zu dicht zum Zeichnen)</translation>
    </message>
    <message>
        <source>clip range [%1, %2]</source>
        <translation>Clipping-Bereich [%1, %2]</translation>
    </message>
</context>
</TS>
