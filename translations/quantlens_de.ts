<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>BitsSpinBox</name>
    <message>
        <location filename="../widgets/layerdelegates.cpp" line="13"/>
        <source>Bit-width: 2–16, or FP32 (no quantization)</source>
        <translation>Bitbreite: 2–16 oder FP32 (keine Quantisierung)</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../widgets/compareview.cpp" line="47"/>
        <source>value (real units)</source>
        <translation>Wert (reale Einheiten)</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="48"/>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="72"/>
        <source>Compare quantizers</source>
        <translation>Quantisierer vergleichen</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="89"/>
        <source>Pick a layer and two configurations to compare them</source>
        <translation>Wählen Sie eine Schicht und zwei Konfigurationen zum Vergleichen</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="90"/>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 vs %3</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: %2 vs. %3</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="99"/>
        <source>(no configuration)</source>
        <translation>(keine Konfiguration)</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="99"/>
        <source>%1: no statistics</source>
        <translation>%1: keine Statistik</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="104"/>
        <source>%1
%2
%3</source>
        <translation>%1
%2
%3</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="125"/>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="125"/>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="126"/>
        <source>B</source>
        <translation>B</translation>
    </message>
</context>
<context>
    <name>EngineBridge</name>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>SQNR %1 dB, cosine %2</source>
        <translation>SQNR %1 dB, Kosinus %2</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>SQNR %1 dB, top-1 agreement %2%</source>
        <translation>SQNR %1 dB, Top-1-Übereinstimmung %2%</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>Session %1: %2. Quantized against FP32: %3 (%4 test images)</source>
        <translation>Sitzung %1: %2. Quantisiert gegenüber FP32: %3 (%4 Testbilder)</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>PTQ: quantized against FP32: %1</source>
        <translation>PTQ: quantisiert gegenüber FP32: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>Evaluated on %1 test images: quantized against FP32: %2</source>
        <translation>Auf %1 Testbildern ausgewertet: quantisiert gegenüber FP32: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>%1: %2 on %3 images (%4 ms)</source>
        <translation>%1: %2 auf %3 Bildern (%4 ms)</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="187"/>
        <source>Open model</source>
        <translation>Modell öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="151"/>
        <source>%1 (%2, %3 parameters) on %4</source>
        <translation>%1 (%2, %3 Parameter) auf %4</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="200"/>
        <source>Open session</source>
        <translation>Sitzung öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="203"/>
        <source>Session %1: %2</source>
        <translation>Sitzung %1: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="209"/>
        <source>Open data</source>
        <translation>Daten öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="236"/>
        <source>%1: %2 training and %3 test images, %4 classes</source>
        <translation>%1: %2 Trainings- und %3 Testbilder, %4 Klassen</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="269"/>
        <source>PTQ</source>
        <translation>PTQ</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="278"/>
        <source>PTQ: FP32 top-1 %1%, quantized %2%</source>
        <translation>PTQ: FP32 Top-1 %1%, quantisiert %2%</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="286"/>
        <source>QAT</source>
        <translation>QAT</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="307"/>
        <source>QAT: FP32 top-1 %1%, quantized %2%%3</source>
        <translation>QAT: FP32 Top-1 %1%, quantisiert %2%%3</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="310"/>
        <source> (stopped)</source>
        <translation> (gestoppt)</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="335"/>
        <source>Error accumulation</source>
        <translation>Fehlerakkumulation</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="344"/>
        <source>Error accumulation done</source>
        <translation>Fehlerakkumulation abgeschlossen</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="352"/>
        <source>Compare</source>
        <translation>Vergleichen</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="375"/>
        <source>Compare stopped</source>
        <translation>Vergleich abgebrochen</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="397"/>
        <source>Compared %1 with %2: output error %3 vs %4</source>
        <translation>%1 mit %2 verglichen: Ausgabefehler %3 gegenüber %4</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="426"/>
        <source>Sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="437"/>
        <source>Sensitivity ranked %1 layers</source>
        <translation>Sensitivität: %1 Schichten eingestuft</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="445"/>
        <source>What-if</source>
        <translation>Was-wäre-wenn</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="451"/>
        <source>%1 at W%2A%3: top-1 %4% on %5 images (%6 ms)</source>
        <translation>%1 bei W%2A%3: Top-1 %4% auf %5 Bildern (%6 ms)</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="465"/>
        <source>Save session</source>
        <translation>Sitzung speichern</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="467"/>
        <source>Session saved to %1</source>
        <translation>Sitzung gespeichert unter %1</translation>
    </message>
</context>
<context>
    <name>ErrorView</name>
    <message>
        <location filename="../widgets/errorview.cpp" line="39"/>
        <source>Error accumulated at each block output</source>
        <translation>Akkumulierter Fehler am Ausgang jedes Blocks</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="40"/>
        <source>block</source>
        <translation>Block</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="41"/>
        <source>‖y_fp − y_q‖₂</source>
        <translation>‖y_fp − y_q‖₂</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="42"/>
        <source>Each layer&apos;s own rounding and clipping error</source>
        <translation>Eigener Rundungs- und Clipping-Fehler jeder Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="43"/>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="44"/>
        <source>‖x − x̂‖₂</source>
        <translation>‖x − x̂‖₂</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="57"/>
        <source>Error accumulation</source>
        <translation>Fehlerakkumulation</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="115"/>
        <source>Run &quot;Error accumulation&quot; on one or two configurations to compare them here</source>
        <translation>Führen Sie „Fehlerakkumulation“ für eine oder zwei Konfigurationen aus, um sie hier zu vergleichen</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="148"/>
        <source>No per-layer errors yet</source>
        <translation>Noch keine Fehler pro Schicht</translation>
    </message>
</context>
<context>
    <name>HistogramView</name>
    <message>
        <location filename="../widgets/histogramview.cpp" line="21"/>
        <source>Log scale</source>
        <translation>Log-Skala</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="27"/>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="28"/>
        <source>Activations</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="29"/>
        <source>Which tensor of the layer to show</source>
        <translation>Welcher Tensor der Schicht angezeigt wird</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="30"/>
        <source>Logarithmic count axis, to see the tails</source>
        <translation>Logarithmische Anzahl-Achse, um die Ausläufer zu sehen</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="39"/>
        <source>value (real units)</source>
        <translation>Wert (reale Einheiten)</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="40"/>
        <location filename="../widgets/histogramview.cpp" line="42"/>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="41"/>
        <source>integer code</source>
        <translation>Integer-Code</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="133"/>
        <source>No layer selected</source>
        <translation>Keine Schicht ausgewählt</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="134"/>
        <source>Select a layer in the layer table, or start a job: the distribution of its weights or activations appears here with the quantization levels over it.</source>
        <translation>Wählen Sie eine Schicht in der Schichttabelle aus oder starten Sie einen Job: Die Verteilung ihrer Gewichte oder Aktivierungen erscheint hier, überlagert von den Quantisierungsstufen.</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="67"/>
        <source>Histogram</source>
        <translation>Histogramm</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="130"/>
        <location filename="../widgets/histogramview.cpp" line="161"/>
        <source>weight</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="130"/>
        <location filename="../widgets/histogramview.cpp" line="161"/>
        <source>activation</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="132"/>
        <source>No layer</source>
        <translation>Keine Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="138"/>
        <source>%1: no %2 statistics yet</source>
        <translation>%1: noch keine Statistik der %2</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="140"/>
        <source>Run PTQ or QAT (toolbar): the distribution of this layer&apos;s weights appears here with the quantization levels over it, and updates while the job runs.</source>
        <translation>PTQ oder QAT starten (Werkzeugleiste): Die Verteilung der Gewichte dieser Schicht erscheint hier mit den Quantisierungsstufen darüber und wird während des Laufs aktualisiert.</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="142"/>
        <source>Run PTQ or QAT (toolbar): the distribution of this layer&apos;s activations appears here with the quantization levels over it, and updates while the job runs.</source>
        <translation>PTQ oder QAT starten (Werkzeugleiste): Die Verteilung der Aktivierungen dieser Schicht erscheint hier mit den Quantisierungsstufen darüber und wird während des Laufs aktualisiert.</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="150"/>
        <source>&lt;b&gt;%1&lt;/b&gt; at step %2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; bei Schritt %2</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="160"/>
        <source>FP %1 distribution
%2
%3</source>
        <translation>FP-Verteilung der %1
%2
%3</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="184"/>
        <source>used codes</source>
        <translation>genutzte Codes</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="190"/>
        <source>unused code</source>
        <translation>ungenutzter Code</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="203"/>
        <source>Integer codes
%1 of %2 used</source>
        <translation>Integer-Codes
%1 von %2 genutzt</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="206"/>
        <source>Integer codes
not reported</source>
        <translation>Integer-Codes
nicht gemeldet</translation>
    </message>
</context>
<context>
    <name>LayerTableModel</name>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="215"/>
        <source>%1 (block %2)</source>
        <translation>%1 (Block %2)</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="260"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="261"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="262"/>
        <source>Weight shape</source>
        <translation>Gewichtsform</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="263"/>
        <source>Params</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="264"/>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="265"/>
        <source>W bits</source>
        <translation>W-Bits</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="266"/>
        <source>A bits</source>
        <translation>A-Bits</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="267"/>
        <source>W method</source>
        <translation>W-Methode</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="268"/>
        <source>A method</source>
        <translation>A-Methode</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="269"/>
        <source>Per-ch.</source>
        <translation>Pro Kanal</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="270"/>
        <source>W step</source>
        <translation>W-Schritt</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="271"/>
        <source>A step</source>
        <translation>A-Schritt</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="272"/>
        <source>A offset β</source>
        <translation>A-Offset β</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="273"/>
        <source>W SQNR (dB)</source>
        <translation>W-SQNR (dB)</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="274"/>
        <source>A SQNR (dB)</source>
        <translation>A-SQNR (dB)</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="275"/>
        <source>Sens. rank</source>
        <translation>Sens.-Rang</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="281"/>
        <source>Multiply-accumulates per input sample</source>
        <translation>Multiply-Accumulate-Operationen pro Eingabebeispiel</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="282"/>
        <source>Weight bit-width (2–16, or FP32); double-click to edit</source>
        <translation>Gewichts-Bitbreite (2–16 oder FP32); Doppelklick zum Bearbeiten</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="283"/>
        <source>Input activation bit-width (2–16, or FP32); double-click to edit</source>
        <translation>Bitbreite der Eingangsaktivierungen (2–16 oder FP32); Doppelklick zum Bearbeiten</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="284"/>
        <source>Weight quantizer; double-click to edit</source>
        <translation>Gewichtsquantisierer; Doppelklick zum Bearbeiten</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="285"/>
        <source>Activation quantizer; double-click to edit</source>
        <translation>Aktivierungsquantisierer; Doppelklick zum Bearbeiten</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="286"/>
        <source>One weight step size per output channel</source>
        <translation>Eine Gewichts-Schrittweite pro Ausgabekanal</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="287"/>
        <source>Current weight step size s (mean over channels)</source>
        <translation>Aktuelle Gewichts-Schrittweite s (Mittel über die Kanäle)</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="288"/>
        <source>Current activation step size s</source>
        <translation>Aktuelle Aktivierungs-Schrittweite s</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="289"/>
        <source>Learned activation offset β (LSQ+), 0 if none</source>
        <translation>Gelernter Aktivierungs-Offset β (LSQ+), 0 falls keiner</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="290"/>
        <source>Signal-to-quantization-noise ratio of the weights</source>
        <translation>Signal-Quantisierungsrausch-Verhältnis der Gewichte</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="291"/>
        <source>Signal-to-quantization-noise ratio of the input activations</source>
        <translation>Signal-Quantisierungsrausch-Verhältnis der Eingangsaktivierungen</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="292"/>
        <source>1 = the layer whose quantization hurts accuracy most</source>
        <translation>1 = die Schicht, deren Quantisierung die Genauigkeit am stärksten beeinträchtigt</translation>
    </message>
</context>
<context>
    <name>LayerTableView</name>
    <message>
        <location filename="../widgets/layertableview.cpp" line="52"/>
        <source>Set bits for selection</source>
        <translation>Bits für Auswahl setzen</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="71"/>
        <source>weights and activations</source>
        <translation>Gewichte und Aktivierungen</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="72"/>
        <source>weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="73"/>
        <source>activations</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="74"/>
        <source>Give every selected layer this bit-width</source>
        <translation>Allen ausgewählten Schichten diese Bitbreite zuweisen</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="82"/>
        <source>Bits:</source>
        <translation>Bits:</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="84"/>
        <source>for</source>
        <translation>für</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="121"/>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="142"/>
        <source>No model loaded: open a model to list its quantizable layers.</source>
        <translation>Kein Modell geladen: Öffnen Sie ein Modell, um seine quantisierbaren Schichten aufzulisten.</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="148"/>
        <source>%1 layers · weights %2 (%3 bytes, %4× smaller than FP32) · %5BOPs</source>
        <translation>%1 Schichten · Gewichte %2 (%3 Bytes, %4× kleiner als FP32) · %5BOPs</translation>
    </message>
</context>
<context>
    <name>LevelsView</name>
    <message>
        <location filename="../widgets/levelsview.cpp" line="34"/>
        <source> bits</source>
        <translation> Bit</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="35"/>
        <source>POT/POST as in the papers (2^b + 1 levels)</source>
        <translation>POT/POST wie in den Papern (2^b + 1 Stufen)</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="36"/>
        <source>POT/POST strict (2^b − 1 levels, fits in b bits)</source>
        <translation>POT/POST strikt (2^b − 1 Stufen, passt in b Bits)</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="38"/>
        <source>Signed weight levels at</source>
        <translation>Vorzeichenbehaftete Gewichtsstufen bei</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="58"/>
        <source>level / α</source>
        <translation>Stufe / α</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="59"/>
        <location filename="../widgets/levelsview.cpp" line="168"/>
        <source>weight / α (α = clipping threshold)</source>
        <translation>Gewicht / α (α = Clipping-Schwelle)</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="60"/>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="74"/>
        <source>Level sets</source>
        <translation>Stufenmengen</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="122"/>
        <source>Uniform</source>
        <translation>Gleichmäßig</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="122"/>
        <source>POT</source>
        <translation>POT</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="122"/>
        <source>POST (√2)</source>
        <translation>POST (√2)</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="122"/>
        <source>APoT (k = 2)</source>
        <translation>APoT (k = 2)</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="128"/>
        <source>%1 (n/a)</source>
        <translation>%1 (n. v.)</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="128"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="149"/>
        <source>Signed %1-bit level sets (number of levels in brackets)
normalised to the clipping threshold α</source>
        <translation>Vorzeichenbehaftete %1-Bit-Stufenmengen (Anzahl der Stufen in Klammern)
normiert auf die Clipping-Schwelle α</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="169"/>
        <source>weight / α of %1 (α = %2)</source>
        <translation>Gewicht / α von %1 (α = %2)</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="176"/>
        <source>Select a layer to see its weights under the levels</source>
        <translation>Wählen Sie eine Schicht aus, um ihre Gewichte unter den Stufen zu sehen</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="55"/>
        <source>QuantLens</source>
        <translation>QuantLens</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="59"/>
        <source>No model open</source>
        <translation>Kein Modell geöffnet</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="60"/>
        <source>Open a model with File ▸ Open model… (an ONNX file, a .pth state dict with its .json description, or a TorchScript archive), then quantize it with the tool bar: PTQ, QAT, error accumulation, sensitivity.</source>
        <translation>Öffnen Sie ein Modell mit Datei ▸ Modell öffnen… (eine ONNX-Datei, ein .pth-State-Dict mit seiner .json-Beschreibung oder ein TorchScript-Archiv) und quantisieren Sie es dann über die Werkzeugleiste: PTQ, QAT, Fehlerakkumulation, Sensitivität.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="70"/>
        <source>Device: %1</source>
        <translation>Gerät: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="72"/>
        <source>Device: none (%1)</source>
        <translation>Gerät: keines (%1)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="83"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="94"/>
        <source>Data: %1</source>
        <translation>Daten: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="96"/>
        <source>Autosaved %1</source>
        <translation>Automatisch gesichert %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="145"/>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="146"/>
        <source>Histogram</source>
        <translation>Histogramm</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="147"/>
        <source>Offsets and step sizes</source>
        <translation>Offsets und Schrittweiten</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="148"/>
        <source>Levels</source>
        <translation>Stufen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="149"/>
        <location filename="../app/gui/mainwindow.cpp" line="461"/>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="150"/>
        <location filename="../app/gui/mainwindow.cpp" line="240"/>
        <source>Error accumulation</source>
        <translation>Fehlerakkumulation</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="151"/>
        <source>Training curves</source>
        <translation>Trainingskurven</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="152"/>
        <source>Multipoint map</source>
        <translation>Multipoint-Karte</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="166"/>
        <source>Export %1 as PNG, PDF, SVG or CSV…</source>
        <translation>%1 als PNG, PDF, SVG oder CSV exportieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="167"/>
        <source>Export %1</source>
        <translation>%1 exportieren</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="174"/>
        <source>Wrote %1</source>
        <translation>%1 geschrieben</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="176"/>
        <location filename="../app/gui/mainwindow.cpp" line="517"/>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="186"/>
        <source>Busy with %1: the change to %2 applies when you run a job.</source>
        <translation>Beschäftigt mit %1: Die Änderung an %2 wird beim nächsten Job wirksam.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="192"/>
        <source>Quantize</source>
        <translation>Quantisieren</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="214"/>
        <source> Weights </source>
        <translation> Gewichte </translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="217"/>
        <source> Activations </source>
        <translation> Aktivierungen </translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="221"/>
        <source>Run PTQ</source>
        <translation>PTQ ausführen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="223"/>
        <source> Epochs </source>
        <translation> Epochen </translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="225"/>
        <source>Run QAT</source>
        <translation>QAT ausführen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="227"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="230"/>
        <source>Pause the running job after its current step; click again to go on</source>
        <translation>Den laufenden Auftrag nach dem aktuellen Schritt anhalten; erneut klicken, um fortzufahren</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="235"/>
        <source>%1 paused</source>
        <translation>%1 angehalten</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="237"/>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="242"/>
        <source>Sensitivity</source>
        <translation>Sensitivität</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="244"/>
        <source>Compare…</source>
        <translation>Vergleichen…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="246"/>
        <source>Quantize a second copy of the model another way and compare it with this one, layer by layer</source>
        <translation>Eine zweite Kopie des Modells anders quantisieren und Schicht für Schicht mit dieser vergleichen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="278"/>
        <source>PTQ</source>
        <translation>PTQ</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="293"/>
        <source>QAT</source>
        <translation>QAT</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="299"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="300"/>
        <source>Open &amp;model…</source>
        <translation>&amp;Modell öffnen…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="303"/>
        <source>Open s&amp;ession…</source>
        <translation>S&amp;itzung öffnen…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="305"/>
        <source>Open &amp;recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="308"/>
        <source>Open &amp;data…</source>
        <translation>&amp;Daten öffnen…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="310"/>
        <source>&amp;Save session…</source>
        <translation>Sitzung &amp;speichern…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="314"/>
        <source>&amp;Export all plots…</source>
        <translation>Alle Diagramme &amp;exportieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="317"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="321"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="325"/>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="329"/>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="343"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="344"/>
        <source>&amp;About QuantLens</source>
        <translation>Ü&amp;ber QuantLens</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="351"/>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="351"/>
        <source>The language changes the next time QuantLens starts.</source>
        <translation>Die Sprache wird beim nächsten Start von QuantLens geändert.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="359"/>
        <location filename="../app/gui/mainwindow.cpp" line="403"/>
        <location filename="../app/gui/mainwindow.cpp" line="497"/>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="359"/>
        <location filename="../app/gui/mainwindow.cpp" line="403"/>
        <location filename="../app/gui/mainwindow.cpp" line="497"/>
        <source>Wait for %1 to finish, or stop it.</source>
        <translation>Warten Sie, bis %1 abgeschlossen ist, oder stoppen Sie den Vorgang.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="367"/>
        <source>Open model</source>
        <translation>Modell öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="507"/>
        <source>Export all plots</source>
        <translation>Alle Diagramme exportieren</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="508"/>
        <source>Image format (each view&apos;s data is written as CSV too):</source>
        <translation>Bildformat (die Daten jeder Ansicht werden zusätzlich als CSV geschrieben):</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="411"/>
        <source>Open data</source>
        <translation>Daten öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="495"/>
        <source>Save session</source>
        <translation>Sitzung speichern</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="375"/>
        <location filename="../app/gui/mainwindow.cpp" line="495"/>
        <source>Sessions (*.qls)</source>
        <translation>Sitzungen (*.qls)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="368"/>
        <source>Models (*.onnx *.pth *.pt);;Sessions (*.qls);;All files (*)</source>
        <translation>Modelle (*.onnx *.pth *.pt);;Sitzungen (*.qls);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="375"/>
        <source>Open session</source>
        <translation>Sitzung öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="389"/>
        <source>File not found</source>
        <translation>Datei nicht gefunden</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="389"/>
        <source>%1 no longer exists; it was removed from the list.</source>
        <translation>%1 existiert nicht mehr und wurde aus der Liste entfernt.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="408"/>
        <source>A folder (IDX files, CIFAR binaries or one sub-folder per class)…</source>
        <translation>Ein Ordner (IDX-Dateien, CIFAR-Binärdateien oder ein Unterordner je Klasse)…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="412"/>
        <source>Data set for calibration, training and evaluation (now: %1):</source>
        <translation>Datensatz für Kalibrierung, Training und Auswertung (derzeit: %1):</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="413"/>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="419"/>
        <source>Open data folder</source>
        <translation>Datenordner öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="430"/>
        <source>Compare with</source>
        <translation>Vergleichen mit</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="446"/>
        <source>Quantize a second copy of the model with PTQ and compare it with the current one.</source>
        <translation>Eine zweite Kopie des Modells mit PTQ quantisieren und mit der aktuellen vergleichen.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="447"/>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="448"/>
        <source>Weight bits</source>
        <translation>Gewichts-Bits</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="449"/>
        <source>Activations</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="450"/>
        <source>Activation bits</source>
        <translation>Aktivierungs-Bits</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="459"/>
        <source>Open a model first, and wait for the running job.</source>
        <translation>Öffnen Sie zuerst ein Modell und warten Sie auf den laufenden Auftrag.</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="486"/>
        <source> (activations)</source>
        <translation> (Aktivierungen)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="486"/>
        <source> (weights)</source>
        <translation> (Gewichte)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="502"/>
        <source>Export all plots to</source>
        <translation>Alle Diagramme exportieren nach</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="518"/>
        <source>Wrote %1 files to %2</source>
        <translation>%1 Dateien nach %2 geschrieben</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="523"/>
        <source>About QuantLens</source>
        <translation>Über QuantLens</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="524"/>
        <source>&lt;h3&gt;QuantLens %1&lt;/h3&gt;&lt;p&gt;See what quantization does to every layer of a neural network: post-training and quantization-aware training (LSQ, LSQ+, ASQ, POT/POST, multipoint PTQ), live, per layer.&lt;/p&gt;&lt;p&gt;libtorch %2, Qt %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;QuantLens %1&lt;/h3&gt;&lt;p&gt;Sehen Sie, was Quantisierung mit jeder Schicht eines neuronalen Netzes macht: Post-Training-Quantisierung und quantisierungsbewusstes Training (LSQ, LSQ+, ASQ, POT/POST, Multipoint-PTQ), live und pro Schicht.&lt;/p&gt;&lt;p&gt;libtorch %2, Qt %3&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="552"/>
        <source>QuantLens — %1</source>
        <translation>QuantLens — %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="562"/>
        <source>%1…</source>
        <translation>%1…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="595"/>
        <location filename="../app/gui/mainwindow.cpp" line="597"/>
        <source>%1 failed</source>
        <translation>%1 fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="633"/>
        <source>  ETA %1 s</source>
        <translation>  ETA %1 s</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="663"/>
        <source>A job is running</source>
        <translation>Ein Job läuft</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="664"/>
        <source>%1 is still running. Stop it and quit?</source>
        <translation>%1 läuft noch. Stoppen und beenden?</translation>
    </message>
</context>
<context>
    <name>MethodDelegate</name>
    <message>
        <location filename="../widgets/layerdelegates.cpp" line="83"/>
        <source>Quantization method</source>
        <translation>Quantisierungsmethode</translation>
    </message>
</context>
<context>
    <name>MultipointMapView</name>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="24"/>
        <source>points per channel</source>
        <translation>Punkte pro Kanal</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="31"/>
        <source>output channel mod columns</source>
        <translation>Ausgabekanal mod Spalten</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="32"/>
        <source>output channel ÷ columns (row)</source>
        <translation>Ausgabekanal ÷ Spalten (Zeile)</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="44"/>
        <source>Multipoint map</source>
        <translation>Multipoint-Karte</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="71"/>
        <source>Multipoint PTQ: no result yet</source>
        <translation>Multipoint-PTQ: noch kein Ergebnis</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="72"/>
        <source>Run multipoint PTQ on a layer to see how many points each output channel gets.</source>
        <translation>Führen Sie Multipoint-PTQ für eine Schicht aus, um zu sehen, wie viele Punkte jeder Ausgabekanal erhält.</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="121"/>
        <source>%1: %2 channels
%3 points per channel on average</source>
        <translation>%1: %2 Kanäle
durchschnittlich %3 Punkte pro Kanal</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="127"/>
        <source>1 point</source>
        <translation>1 Punkt</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="127"/>
        <source>%1 points</source>
        <translation>%1 Punkte</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="128"/>
        <source>1 channel</source>
        <translation>1 Kanal</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="128"/>
        <source>%1 channels</source>
        <translation>%1 Kanäle</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="129"/>
        <source>%1: %2 (%3 %)</source>
        <translation>%1: %2 (%3 %)</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="131"/>
        <source>Output error ‖Wx − Ŵx‖²: %1 with one point → %2 after (%3 %)</source>
        <translation>Ausgabefehler ‖Wx − Ŵx‖²: %1 mit einem Punkt → %2 danach (%3 %)</translation>
    </message>
</context>
<context>
    <name>OffsetsView</name>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="18"/>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="19"/>
        <source>Activations</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="22"/>
        <source>Step size s and offset β of:</source>
        <translation>Schrittweite s und Offset β von:</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="26"/>
        <source>Newest step size s and offset β per layer</source>
        <translation>Neueste Schrittweite s und Offset β pro Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="27"/>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="28"/>
        <location filename="../widgets/offsetsview.cpp" line="31"/>
        <source>value (real units)</source>
        <translation>Wert (reale Einheiten)</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="29"/>
        <source>s (solid) and β (dashed) over training, selected layers</source>
        <translation>s (durchgezogen) und β (gestrichelt) im Trainingsverlauf, ausgewählte Schichten</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="30"/>
        <source>training step</source>
        <translation>Trainingsschritt</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="49"/>
        <source>Step sizes and offsets</source>
        <translation>Schrittweiten und Offsets</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="106"/>
        <source>step size s</source>
        <translation>Schrittweite s</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="113"/>
        <source>offset β</source>
        <translation>Offset β</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="141"/>
        <source>No quantizer statistics yet: start QAT or PTQ</source>
        <translation>Noch keine Quantisierer-Statistik: Starten Sie QAT oder PTQ</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="173"/>
        <source>%1: β</source>
        <translation>%1: β</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="190"/>
        <source>Select layers in the layer table to follow s and β over training</source>
        <translation>Wählen Sie Schichten in der Schichttabelle aus, um s und β im Trainingsverlauf zu verfolgen</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="191"/>
        <source>No history for the selected layers yet</source>
        <translation>Noch kein Verlauf für die ausgewählten Schichten</translation>
    </message>
</context>
<context>
    <name>TrainingCurvesView</name>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="13"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="29"/>
        <location filename="../widgets/trainingcurvesview.cpp" line="36"/>
        <source>training step</source>
        <translation>Trainingsschritt</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="30"/>
        <source>loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="32"/>
        <source>top-1 accuracy (%)</source>
        <translation>Top-1-Genauigkeit (%)</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="37"/>
        <source>learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="46"/>
        <source>loss (left axis)</source>
        <translation>Loss (linke Achse)</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="49"/>
        <source>accuracy (right axis)</source>
        <translation>Genauigkeit (rechte Achse)</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="55"/>
        <source>FP32 baseline accuracy</source>
        <translation>FP32-Basisgenauigkeit</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="79"/>
        <source>Training curves</source>
        <translation>Trainingskurven</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="118"/>
        <source>FP32 %1 %</source>
        <translation>FP32 %1 %</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="129"/>
        <source>Training: no steps yet</source>
        <translation>Training: noch keine Schritte</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="141"/>
        <source>Step %1 · epoch %2
loss %3 · accuracy %4 %</source>
        <translation>Schritt %1 · Epoche %2
Loss %3 · Genauigkeit %4 %</translation>
    </message>
</context>
<context>
    <name>ql::ui::CompareView</name>
    <message>
        <location filename="../widgets/compareview.cpp" line="29"/>
        <source>MSE</source>
        <translation>MSE</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="30"/>
        <source>L2 error ‖x − x̂‖₂</source>
        <translation>L2-Fehler ‖x − x̂‖₂</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="31"/>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="32"/>
        <source>cosine similarity</source>
        <translation>Kosinus-Ähnlichkeit</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="33"/>
        <source>clipped below (%)</source>
        <translation>unten abgeschnitten (%)</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="34"/>
        <source>clipped above (%)</source>
        <translation>oben abgeschnitten (%)</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="35"/>
        <source>step size s</source>
        <translation>Schrittweite s</translation>
    </message>
</context>
<context>
    <name>ql::ui::PlotExport</name>
    <message>
        <location filename="../widgets/plotexport.cpp" line="159"/>
        <location filename="../widgets/plotexport.cpp" line="185"/>
        <source>No view to export</source>
        <translation>Keine Ansicht zum Exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="105"/>
        <source>Could not write %1: check that the folder exists and is writable</source>
        <translation>%1 konnte nicht geschrieben werden: Prüfen Sie, ob der Ordner existiert und beschreibbar ist</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="169"/>
        <source>Writing %1 produced an empty file</source>
        <translation>Beim Schreiben von %1 entstand eine leere Datei</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="188"/>
        <location filename="../widgets/plotexport.cpp" line="192"/>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="204"/>
        <source>Cannot export to %1: use a name ending in .png, .pdf, .svg or .csv</source>
        <translation>Export nach %1 nicht möglich: Verwenden Sie einen Namen mit der Endung .png, .pdf, .svg oder .csv</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="213"/>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="214"/>
        <source>PDF document (*.pdf)</source>
        <translation>PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="215"/>
        <source>SVG drawing (*.svg)</source>
        <translation>SVG-Zeichnung (*.svg)</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="216"/>
        <source>CSV data (*.csv)</source>
        <translation>CSV-Daten (*.csv)</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="225"/>
        <source>Could not create the folder %1</source>
        <translation>Der Ordner %1 konnte nicht erstellt werden</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="230"/>
        <source>Written %1.</source>
        <translation>%1 geschrieben.</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="232"/>
        <source>View</source>
        <translation>Ansicht</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="233"/>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="234"/>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
</context>
<context>
    <name>ql::ui::plot</name>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="207"/>
        <source>FP values</source>
        <translation>FP-Werte</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="311"/>
        <source>clipped below: %1</source>
        <translation>unten abgeschnitten: %1</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="312"/>
        <source>clipped above: %1</source>
        <translation>oben abgeschnitten: %1</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="316"/>
        <source>no levels reported</source>
        <translation>keine Stufen gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="318"/>
        <source>%1 levels (ticks along the bottom)</source>
        <translation>%1 Stufen (Striche am unteren Rand)</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="320"/>
        <source>%1 levels</source>
        <translation>%1 Stufen</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="321"/>
        <source>%1 levels (too dense to draw)</source>
        <translation>%1 Stufen (zu dicht zum Zeichnen)</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="323"/>
        <source>, channel %1 of %2 (median range)</source>
        <translation>, Kanal %1 von %2 (mittlerer Bereich)</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="329"/>
        <source>channel %1 clip range [%2, %3]</source>
        <translation>Kanal %1 Clipping-Bereich [%2, %3]</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="331"/>
        <source>clip range [%1, %2]</source>
        <translation>Clipping-Bereich [%1, %2]</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="339"/>
        <source>clip limits of all %1 channels</source>
        <translation>Clipping-Grenzen aller %1 Kanäle</translation>
    </message>
</context>
</TS>
